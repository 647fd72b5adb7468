package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.gateway.auth.SameOrigin;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.JsonBodies;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Passkeys (WebAuthn): the dashboard's list, add and remove (under /api/web/, the login cookie, same-origin),
 * and a login's second step finished with a passkey. Mounted after {@link WebRoutes} (its /api/web/* guard).
 */
public final class PasskeyRoutes {
  private final BusForwarder bus;
  private final AccountRoutes accounts;

  public PasskeyRoutes(BusForwarder bus, AccountRoutes accounts) {
    this.bus = bus;
    this.accounts = accounts;
  }

  /**
   * {@code loginLimit}: a password is tried, limited like a sign-in; {@code passkeyLimit}: the second step's two
   * requests, per client address (a limit of its own, so that they do not count against the password's).
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
    // a login's second step with a passkey (its token from the login's second_step): the options, then the answer,
    // which sets the login cookie as a code's second step does
    router.post("/api/auth/login/passkey/options").handler(sameOrigin).handler(passkeyLimit).handler(ctx -> bus.forward(
        ctx, Addresses.AUTH_SECOND_STEP_PASSKEY_OPTIONS, new JsonObject().put("token", JsonBodies.object(ctx).getValue("token"))));
    router.post("/api/auth/login/second-step/passkey").handler(sameOrigin).handler(passkeyLimit).handler(ctx -> {
      JsonObject body = JsonBodies.object(ctx);
      accounts.signIn(ctx, Addresses.AUTH_SECOND_STEP_PASSKEY, new JsonObject().put("token", body.getValue("token"))
          .put("credential", body.getValue("credential")));
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
