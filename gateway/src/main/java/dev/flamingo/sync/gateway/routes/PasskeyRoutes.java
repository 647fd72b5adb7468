package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
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
 * Passkeys (WebAuthn): the dashboard's list, add and remove (under /api/web/, the login cookie, same-origin),
 * and the sign-in whose second step is a passkey: /api/auth/passkey/begin takes the password and either signs
 * in (no passkey) or answers the options for navigator.credentials.get(); /api/auth/passkey/finish takes the
 * browser's answer and sets the login cookie. Mounted after {@link WebRoutes} (its /api/web/* guard).
 */
public final class PasskeyRoutes {
  private final BusForwarder bus;
  private final LoginCookie cookie;

  public PasskeyRoutes(BusForwarder bus, LoginCookie cookie) {
    this.bus = bus;
    this.cookie = cookie;
  }

  /**
   * {@code loginLimit}: a password is tried, limited like a sign-in; {@code passkeyLimit}: a passkey's answer, per
   * client address (a limit of its own, so that a sign-in's two steps do not count twice against the password's).
   */
  public void mount(Router router, SameOrigin sameOrigin, Handler<RoutingContext> loginLimit,
      Handler<RoutingContext> passkeyLimit) {
    router.get("/api/web/passkeys").handler(ctx -> bus.forward(ctx, Addresses.AUTH_PASSKEY_LIST, new JsonObject()));
    router.post("/api/web/passkeys/options")
        .handler(ctx -> bus.forward(ctx, Addresses.AUTH_PASSKEY_REGISTER_OPTIONS, new JsonObject()));
    router.post("/api/web/passkeys")
        .handler(ctx -> bus.forward(ctx, Addresses.AUTH_PASSKEY_REGISTER, JsonBodies.object(ctx)));
    router.post("/api/web/passkeys/:id/remove").handler(loginLimit).handler(ctx -> bus.forward(ctx,
        Addresses.AUTH_PASSKEY_REMOVE, JsonBodies.object(ctx).put("id", id(ctx.pathParam("id")))));
    router.post("/api/auth/passkey/begin").handler(sameOrigin).handler(loginLimit)
        .handler(ctx -> signIn(ctx, Addresses.AUTH_PASSKEY_SIGNIN_BEGIN));
    router.post("/api/auth/passkey/finish").handler(sameOrigin).handler(passkeyLimit)
        .handler(ctx -> signIn(ctx, Addresses.AUTH_PASSKEY_SIGNIN_FINISH));
  }

  /** The cookie when the reply signs in; else the second step for the page: {second_step, options}. */
  private void signIn(RoutingContext ctx, String address) {
    bus.request(ctx, address, JsonBodies.object(ctx), reply -> {
      JsonObject data = reply.getJsonObject("data");
      String token = data.getString("browser_token");
      if (token == null) {
        Envelope.ok(ctx, new JsonObject().put("second_step", data.getString("second_step"))
            .put("options", data.getJsonObject("options")));
        return;
      }
      ctx.response().addCookie(cookie.issue(token, data.getLong("browser_token_max_age", 43_200L)));
      Envelope.ok(ctx, new JsonObject().put("account_id", data.getValue("account_id")).put("email", data.getString("email")));
    });
  }

  /** The path's id as a number when it is one (the service answers 400 for anything else). */
  private static Object id(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return value;
    }
  }
}
