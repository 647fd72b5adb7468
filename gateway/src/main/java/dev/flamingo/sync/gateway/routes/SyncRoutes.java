package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.gateway.auth.Authenticator;
import dev.flamingo.sync.gateway.auth.KeyGrants;
import dev.flamingo.sync.gateway.auth.SameOrigin;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.Envelope;
import dev.flamingo.sync.gateway.http.JsonBodies;
import dev.flamingo.sync.gateway.limits.RateLimiter;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The device flow and session endpoints of {@code /api/sync/*} (auth-service). */
public final class SyncRoutes {
  private final BusForwarder bus;
  private final String publicUrl;

  public SyncRoutes(BusForwarder bus, String publicUrl) {
    this.bus = bus;
    this.publicUrl = publicUrl;
  }

  /** The claim's answer to a password that does not open the account key (docs/protocol.md). */
  static final String WRONG_PASSWORD = "The password is wrong";

  public void mount(Router router, Authenticator auth, SameOrigin sameOrigin,
      Handler<RoutingContext> initLimit, Handler<RoutingContext> tokenLimit, Handler<RoutingContext> claimLimit) {
    router.post("/api/sync/init").handler(initLimit).handler(this::init);
    // a Bearer token, when sent, is what authenticates the claim; only the cookie form needs the guard. The
    // browser sends the password (it opens the account key for the new device); a device, its grant key. Wrong
    // passwords are limited like failed sign-ins, per client and per account (claimLimit, after the authentication)
    router.post("/api/sync/claim").handler(sameOrigin.allowingBearer()).handler(auth::requireBearerOrBrowser)
        .handler(claimLimit)
        .handler(ctx -> {
          JsonObject body = KeyGrants.clean(JsonBodies.object(ctx));
          String grantKey = KeyGrants.grantKey(ctx);
          if (grantKey != null) {
            body.put("bearer_grant_key", grantKey);
          }
          bus.request(Contexts.get(ctx), Addresses.AUTH_SYNC_CLAIM, body).onComplete(ar -> {
            if (ar.failed() && ar.cause() instanceof ServiceException se && se.status() == 400
                && WRONG_PASSWORD.equals(se.getMessage())) {
              RateLimiter.countAsFailure(ctx);
            }
            Envelope.result(ctx, ar);
          });
        });
    router.post("/api/sync/token").handler(tokenLimit)
        .handler(ctx -> bus.forward(ctx, Addresses.AUTH_SYNC_TOKEN, JsonBodies.object(ctx)));
    router.post("/api/sync/rotate").handler(auth::requireBearer)
        .handler(ctx -> endSession(ctx, auth, Addresses.AUTH_SESSION_ROTATE));
    router.post("/api/sync/revoke").handler(auth::requireBearer)
        .handler(ctx -> endSession(ctx, auth, Addresses.AUTH_SESSION_REVOKE));
  }

  /**
   * Rotate or revoke: the calling token stops working on this gateway before the answer leaves. A rotation
   * sends the token's grant key, so that the new token keeps the session's key grant.
   */
  private void endSession(RoutingContext ctx, Authenticator auth, String address) {
    String session = Contexts.get(ctx).sessionId();
    JsonObject body = Addresses.AUTH_SESSION_ROTATE.equals(address)
        ? new JsonObject().put("grant_key", KeyGrants.grantKey(ctx)) : new JsonObject();
    bus.request(ctx, address, body, reply -> {
      auth.evictSession(session);
      Envelope.reply(ctx, reply);
    });
  }

  private void init(RoutingContext ctx) {
    bus.request(ctx, Addresses.AUTH_SYNC_INIT, JsonBodies.object(ctx), reply -> {
      JsonObject data = reply.getJsonObject("data");
      String token = data.getString("temp_token");
      Envelope.ok(ctx, new JsonObject()
          .put("temp_token", token)
          .put("login_url", publicUrl + "/login?token=" + token)
          .put("expires_in", data.getValue("expires_in")));
    });
  }
}
