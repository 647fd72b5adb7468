package dev.flamingo.sync.gateway.auth;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.Envelope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * Who is calling: a Bearer session token (desktop client) or the browser-login cookie (web pages).
 * Both are validated by auth-service over the bus and cached briefly here; the published
 * {@code session.revoked} and {@code account.stamp} events evict entries on every gateway at once.
 */
public final class Authenticator {
  public static final String COOKIE = LoginCookie.PLAIN;
  /** How often a validation answer that raced an eviction is asked again before giving up. */
  private static final int RACE_RETRIES = 1;
  /** Routing-context key: whether the browser login is an admin's. */
  static final String ADMIN = "flamingo.admin";
  /** Set for an admin who must enroll a second factor first (FLAMINGO_ADMIN_2FA=required). */
  static final String MUST_ENROLL = "flamingo.admin.must-enroll";
  public static final String ENROLL_FIRST = "Enroll a second factor (Dashboard, Security) before using the admin pages";

  private final Vertx vertx;
  private final BusForwarder bus;
  private final AuthCache sessions;
  private final AuthCache browsers;
  private final DeviceSeen deviceSeen;
  private String cookieName = COOKIE;

  public Authenticator(Vertx vertx, BusForwarder bus, long cacheMillis) {
    this.vertx = vertx;
    this.deviceSeen = new DeviceSeen(vertx, 60_000);
    this.bus = bus;
    this.sessions = new AuthCache(cacheMillis, 100_000);
    this.browsers = new AuthCache(cacheMillis, 100_000);
  }

  /** Registers the eviction listeners; call once per gateway verticle. */
  public Future<Void> listen() {
    var revoked = vertx.eventBus().<JsonObject>consumer(Addresses.EVENT_SESSION_REVOKED, m -> {
      JsonArray ids = m.body().getJsonArray("session_ids", new JsonArray());
      ids.forEach(id -> sessions.evictOwner(String.valueOf(id)));
    });
    var stamp = vertx.eventBus().<JsonObject>consumer(Addresses.EVENT_ACCOUNT_STAMP_CHANGED,
        m -> browsers.evictOwner(String.valueOf(m.body().getValue("account_id"))));
    var loggedOut = vertx.eventBus().<JsonObject>consumer(Addresses.EVENT_BROWSER_LOGGED_OUT,
        m -> browsers.evictOwner(String.valueOf(m.body().getValue("account_id"))));
    return Future.all(revoked.completion(), stamp.completion(), loggedOut.completion()).mapEmpty();
  }

  /** Reads the browser login from the cookie of this name (see {@link LoginCookie}). */
  public Authenticator useCookie(String name) {
    this.cookieName = name;
    return this;
  }

  /** Drops the account's browser logins from this gateway's cache at once (after a logout answered here). */
  public void evictBrowserLogins(long accountId) {
    browsers.evictOwner(String.valueOf(accountId));
  }

  /**
   * Drops a session from this gateway's cache at once (after a rotate or revoke answered through it);
   * the other gateways learn it from the published event.
   */
  public void evictSession(String sessionId) {
    if (sessionId != null) {
      sessions.evictOwner(sessionId);
    }
  }

  /** Route handler: requires a valid Bearer session token. */
  public void requireBearer(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token == null) {
      Envelope.error(ctx, 401, "Unauthorized");
      return;
    }
    withSession(ctx, token);
  }

  /** Route handler: a Bearer token if one is sent, else the browser-login cookie. */
  public void requireBearerOrBrowser(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token != null) {
      withSession(ctx, token);
    } else {
      requireBrowser(ctx);
    }
  }

  /** Route handler: requires a valid browser-login cookie. */
  public void requireBrowser(RoutingContext ctx) {
    browser(ctx, () -> Envelope.error(ctx, 401, "Unauthorized"));
  }

  /**
   * Route handler after {@link #requireBrowser}: the login is an admin's (auth-service says so when it validates
   * the login, from the admin role stored on the account), else 403. auth-service checks again on its own admin addresses.
   */
  public static void requireAdmin(RoutingContext ctx) {
    if (!Boolean.TRUE.equals(ctx.get(ADMIN))) {
      Envelope.error(ctx, 403, "Admins only");
    } else if (Boolean.TRUE.equals(ctx.get(MUST_ENROLL))) {
      Envelope.error(ctx, 403, ENROLL_FIRST);
    } else {
      ctx.next();
    }
  }

  private static void putAdmin(RoutingContext ctx, JsonObject validated) {
    ctx.put(ADMIN, Boolean.TRUE.equals(validated.getBoolean("is_admin")));
    ctx.put(MUST_ENROLL, Boolean.TRUE.equals(validated.getBoolean("admin_must_enroll")));
  }

  /** Page handler: a valid browser-login cookie, else a redirect to the sign-in page. */
  public void browserOrSignIn(RoutingContext ctx) {
    browser(ctx, () -> ctx.response().setStatusCode(302).putHeader("Location", "/login").end());
  }

  private void browser(RoutingContext ctx, Runnable refuse) {
    Cookie cookie = ctx.request().getCookie(cookieName);
    if (cookie == null || cookie.getValue().isEmpty()) {
      refuse.run();
      return;
    }
    String jwt = cookie.getValue();
    String key = Tokens.sha256Hex(jwt);
    long now = System.currentTimeMillis();
    JsonObject cached = browsers.get(key, now);
    if (cached != null) {
      putAdmin(ctx, cached);
      continueAs(ctx, cached.getLong("account_id"), null, null);
      return;
    }
    validateBrowser(ctx, jwt, key, refuse, RACE_RETRIES);
  }

  private void validateBrowser(RoutingContext ctx, String jwt, String key, Runnable refuse, int retries) {
    EvictionMarks.Ticket ticket = browsers.begin(System.currentTimeMillis());
    bus.request(Contexts.get(ctx), Addresses.AUTH_BROWSER_VALIDATE, new JsonObject().put("browser_token", jwt))
        .onSuccess(reply -> {
          JsonObject data = reply.getJsonObject("data");
          long account = data.getLong("account_id");
          if (!browsers.putUnlessStale(key, String.valueOf(account), data, ticket, System.currentTimeMillis(),
              Long.MAX_VALUE)) {
            raced(ctx, retries, () -> validateBrowser(ctx, jwt, key, refuse, retries - 1));
            return;
          }
          putAdmin(ctx, data);
          continueAs(ctx, account, null, null);
        })
        .onFailure(t -> {
          if (((ServiceException) t).status() == 401) {
            refuse.run();
          } else {
            Envelope.error(ctx, (ServiceException) t);
          }
        });
  }

  private void withSession(RoutingContext ctx, String token) {
    if (!Tokens.isSessionToken(token)) {
      Envelope.error(ctx, 401, "Unauthorized");
      return;
    }
    String key = Tokens.sha256Hex(token);
    long now = System.currentTimeMillis();
    JsonObject cached = sessions.get(key, now);
    if (cached != null) {
      continueAs(ctx, cached.getLong("account_id"), cached.getString("session_id"), cached.getString("device_id"));
      return;
    }
    validateSession(ctx, token, key, RACE_RETRIES);
  }

  private void validateSession(RoutingContext ctx, String token, String key, int retries) {
    EvictionMarks.Ticket ticket = sessions.begin(System.currentTimeMillis());
    bus.request(Contexts.get(ctx), Addresses.AUTH_SESSION_VALIDATE, new JsonObject().put("session_token", token))
        .onSuccess(reply -> {
          JsonObject data = reply.getJsonObject("data");
          long expires = Instant.parse(data.getString("expires_at")).toEpochMilli();
          if (!sessions.putUnlessStale(key, data.getString("session_id"), data, ticket, System.currentTimeMillis(),
              expires)) {
            raced(ctx, retries, () -> validateSession(ctx, token, key, retries - 1));
            return;
          }
          continueAs(ctx, data.getLong("account_id"), data.getString("session_id"), data.getString("device_id"));
        })
        .onFailure(t -> Envelope.error(ctx, (ServiceException) t));
  }

  /**
   * The answer said "valid", but its session/account was evicted (revoked, rotated, stamp changed) while
   * we waited, so it may predate the revocation: neither cached nor used. Ask again; the new question
   * starts after the eviction, so its answer is current. If that races too, refuse without claiming
   * the credential is bad (503, retry).
   */
  private static void raced(RoutingContext ctx, int retries, Runnable again) {
    if (retries > 0) {
      again.run();
    } else {
      Envelope.error(ctx, 503, "Could not confirm the credential, retry");
    }
  }

  private void continueAs(RoutingContext ctx, long account, String session, String device) {
    RequestContext context = Contexts.get(ctx).withAccount(account, session, device);
    Contexts.set(ctx, context);
    deviceSeen.seen(context);
    ctx.next();
  }

  /** The raw Bearer token of the request, or null. */
  public static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }
}
