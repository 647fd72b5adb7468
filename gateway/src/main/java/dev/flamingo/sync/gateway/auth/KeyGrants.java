package dev.flamingo.sync.gateway.auth;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.security.KeyCustody;
import dev.flamingo.sync.gateway.http.BusForwarder;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Key custody at the gateway (docs/threat-model.md, "Key custody"): the gateway is the only part that sees a
 * device's raw bearer token on each request, so it derives the token's grant key ({@link KeyCustody#grantKey}) for
 * auth-service, and hands data-service the account key that auth-service opened with it. Nothing of it is
 * kept: the derived key and the account key live for one request.
 */
public final class KeyGrants {
  static final String[] SET_HERE = {"custody", "account_key", "account_key_id", "grant_key", "bearer_grant_key"};

  private final BusForwarder bus;

  public KeyGrants(BusForwarder bus) {
    this.bus = bus;
  }

  /** The grant key of the request's bearer token (base64), or null without one. */
  public static String grantKey(RoutingContext ctx) {
    String bearer = Authenticator.bearer(ctx);
    return bearer == null ? null : KeyCustody.grantKeyBase64(bearer);
  }

  /** {@code body} without any of the fields only the gateway sets (a client cannot send them). */
  public static JsonObject clean(JsonObject body) {
    for (String field : SET_HERE) {
      body.remove(field);
    }
    return body;
  }

  /**
   * Forwards a key request (after {@code requireBearer}) to data-service with the calling session's account
   * key: asks auth-service for it with the bearer's grant key, then sets custody, account_key and
   * account_key_id in the body (whatever the client sent there is dropped first).
   */
  public void forwardKey(RoutingContext ctx, String address, JsonObject body) {
    clean(body);
    bus.request(ctx, Addresses.AUTH_KEY_GRANT, new JsonObject().put("grant_key", grantKey(ctx)), reply -> {
      JsonObject grant = reply.getJsonObject("data", new JsonObject());
      body.put("custody", Boolean.TRUE.equals(grant.getValue("custody")))
          .put("account_key", grant.getValue("account_key"))
          .put("account_key_id", grant.getValue("account_key_id"));
      bus.forward(ctx, address, body);
    });
  }
}
