package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.gateway.auth.Authenticator;
import dev.flamingo.sync.gateway.auth.SameOrigin;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.Envelope;
import dev.flamingo.sync.gateway.http.JsonBodies;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Browser accounts: register, login (sets the HttpOnly login cookie) and logout. Same-origin only. */
public final class AccountRoutes {
  private final BusForwarder bus;
  private final boolean secureCookie;

  public AccountRoutes(BusForwarder bus, String publicUrl) {
    this.bus = bus;
    this.secureCookie = publicUrl.startsWith("https://");
  }

  public void mount(Router router, Authenticator auth, SameOrigin sameOrigin, Handler<RoutingContext> registerLimit,
      Handler<RoutingContext> loginLimit) {
    router.get("/api/auth/me").handler(auth::requireBrowser)
        .handler(ctx -> bus.forward(ctx, Addresses.AUTH_ACCOUNT_ME, new JsonObject()));
    router.post("/api/auth/password").handler(sameOrigin).handler(loginLimit).handler(auth::requireBrowser)
        .handler(ctx -> signIn(ctx, Addresses.AUTH_PASSWORD_CHANGE));
    router.post("/api/auth/register").handler(sameOrigin).handler(registerLimit)
        .handler(ctx -> signIn(ctx, Addresses.AUTH_REGISTER));
    router.post("/api/auth/login").handler(sameOrigin).handler(loginLimit)
        .handler(ctx -> signIn(ctx, Addresses.AUTH_LOGIN));
    router.post("/api/auth/logout").handler(sameOrigin).handler(this::logout);
  }

  void clearCookie(RoutingContext ctx) {
    ctx.response().addCookie(Cookie.cookie(Authenticator.COOKIE, "").setPath("/").setHttpOnly(true)
        .setSecure(secureCookie).setSameSite(CookieSameSite.LAX).setMaxAge(0));
  }

  private void signIn(RoutingContext ctx, String address) {
    JsonObject body = JsonBodies.object(ctx);
    bus.request(Contexts.get(ctx), address, body).onComplete(ar -> {
      if (ar.failed()) {
        Envelope.error(ctx, Failures.fromThrowable(ar.cause()));
        return;
      }
      JsonObject data = ar.result().getJsonObject("data");
      Cookie cookie = Cookie.cookie(Authenticator.COOKIE, data.getString("browser_token"))
          .setPath("/").setHttpOnly(true).setSecure(secureCookie).setSameSite(CookieSameSite.LAX)
          .setMaxAge(data.getLong("browser_token_max_age", 43_200L));
      ctx.response().addCookie(cookie);
      Envelope.ok(ctx, new JsonObject().put("account_id", data.getValue("account_id")).put("email", data.getString("email")));
    });
  }

  private void logout(RoutingContext ctx) {
    clearCookie(ctx);
    Envelope.reply(ctx, new JsonObject().putNull("data").put("message", "Signed out"));
  }
}
