package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.gateway.auth.Authenticator;
import dev.flamingo.sync.gateway.auth.LoginCookie;
import dev.flamingo.sync.gateway.auth.SameOrigin;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.Envelope;
import dev.flamingo.sync.gateway.http.JsonBodies;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Browser accounts: register, login (sets the HttpOnly login cookie) and logout (ends that login on the
 * server, then clears the cookie). Same-origin only.
 */
public final class AccountRoutes {
  private final BusForwarder bus;
  private final LoginCookie cookie;

  public AccountRoutes(BusForwarder bus, LoginCookie cookie) {
    this.bus = bus;
    this.cookie = cookie;
  }

  public void mount(Router router, Authenticator auth, SameOrigin sameOrigin, Handler<RoutingContext> registerLimit,
      Handler<RoutingContext> loginLimit) {
    router.get("/api/auth/me").handler(sameOrigin).handler(auth::requireBrowser)
        .handler(ctx -> bus.forward(ctx, Addresses.AUTH_ACCOUNT_ME, new JsonObject()));
    router.post("/api/auth/password").handler(sameOrigin).handler(loginLimit).handler(auth::requireBrowser)
        .handler(ctx -> signIn(ctx, Addresses.AUTH_PASSWORD_CHANGE));
    router.post("/api/auth/register").handler(sameOrigin).handler(registerLimit)
        .handler(ctx -> signIn(ctx, Addresses.AUTH_REGISTER));
    router.post("/api/auth/login").handler(sameOrigin).handler(loginLimit)
        .handler(ctx -> signIn(ctx, Addresses.AUTH_LOGIN));
    // an account with a second factor: the login answered {second_step: {token, methods}} and no cookie; the code
    // (TOTP or a recovery code) with that token finishes it, and only then is the cookie set
    router.post("/api/auth/login/second-step").handler(sameOrigin).handler(loginLimit)
        .handler(ctx -> {
          JsonObject body = JsonBodies.object(ctx);
          signIn(ctx, Addresses.AUTH_SECOND_STEP, new JsonObject().put("token", body.getValue("token"))
              .put("method", body.getValue("method")).put("code", body.getValue("code")));
        });
    router.post("/api/auth/logout").handler(sameOrigin).handler(ctx -> logout(ctx, auth));
    // the owner's side of a one-time reset link (/reset?token=…): the token is the credential, limited like a sign-in
    router.post("/api/auth/reset-password").handler(sameOrigin).handler(loginLimit)
        .handler(ctx -> bus.forward(ctx, Addresses.AUTH_PASSWORD_RESET_COMPLETE, JsonBodies.object(ctx)));
    // deleting one's account checks the password: limited like a sign-in (WebRoutes answers it)
    router.post("/api/web/account/delete").handler(loginLimit);
    // so do removing a second factor and new recovery codes, and a TOTP code that confirms an enrollment
    router.post("/api/web/security/totp/remove").handler(loginLimit);
    router.post("/api/web/security/recovery-codes").handler(loginLimit);
    router.post("/api/web/security/totp/confirm").handler(loginLimit);
    // whether the sign-in page offers sign-up: {mode} only (open, invite-only or closed); with ?invite=TOKEN (an
    // invite link's page) also {invite_open}: whether that invite could admit a sign-up now
    router.get("/api/auth/signups").handler(ctx -> {
      String invite = ctx.request().getParam("invite");
      JsonObject query = invite == null ? new JsonObject() : new JsonObject().put("invite", invite);
      bus.request(ctx, Addresses.AUTH_SIGNUPS_GET, query, reply -> {
        JsonObject data = reply.getJsonObject("data");
        JsonObject answer = new JsonObject().put("mode", data.getValue("mode"));
        if (invite != null) {
          answer.put("invite_open", data.getBoolean("invite_open", false));
        }
        Envelope.ok(ctx, answer);
      });
    });
  }

  void clearCookie(RoutingContext ctx) {
    ctx.response().addCookie(cookie.cleared());
  }

  private void signIn(RoutingContext ctx, String address) {
    signIn(ctx, address, JsonBodies.object(ctx));
  }

  /** Sets the login cookie from a sign-in reply; a reply that asks for a second step is passed on without one. */
  public void signIn(RoutingContext ctx, String address, JsonObject body) {
    bus.request(ctx, address, body, reply -> {
      JsonObject data = reply.getJsonObject("data");
      JsonObject second = data.getJsonObject("second_step");
      if (second != null) {
        Envelope.ok(ctx, new JsonObject().put("second_step", new JsonObject().put("token", second.getString("token"))
            .put("methods", second.getJsonArray("methods")).put("expires_in", second.getValue("expires_in"))));
        return;
      }
      ctx.response().addCookie(cookie.issue(data.getString("browser_token"), data.getLong("browser_token_max_age", 43_200L)));
      Envelope.ok(ctx, new JsonObject().put("account_id", data.getValue("account_id")).put("email", data.getString("email")));
    });
  }

  /**
   * Ends the login the cookie carries in auth-service (refused from now on, on every gateway; this one
   * forgets it before answering), then clears the cookie. When auth-service cannot be reached the
   * error is answered and the cookie kept, so the person can retry rather than believe they are out.
   */
  private void logout(RoutingContext ctx, Authenticator auth) {
    String token = cookie.valueOf(ctx.request());
    if (token == null) {
      signedOut(ctx);
      return;
    }
    bus.request(ctx, Addresses.AUTH_BROWSER_LOGOUT, new JsonObject().put("browser_token", token), reply -> {
      JsonObject data = reply.getJsonObject("data");
      Long account = data == null ? null : data.getLong("account_id");
      if (account != null) {
        auth.evictBrowserLogins(account);
      }
      signedOut(ctx);
    });
  }

  private void signedOut(RoutingContext ctx) {
    clearCookie(ctx);
    Envelope.reply(ctx, new JsonObject().putNull("data").put("message", "Signed out"));
  }
}
