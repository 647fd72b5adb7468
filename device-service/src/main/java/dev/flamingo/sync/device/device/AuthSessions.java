package dev.flamingo.sync.device.device;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/** auth-service, as device-service needs it: sign every session of some devices out. */
public final class AuthSessions {
  private final Vertx vertx;
  private final long timeoutMs;

  public AuthSessions(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /**
   * {@code AUTH_SESSION_REVOKE_DEVICES} {account_id, device_ids, reason} → the number of sessions revoked.
   * Fails when auth-service does not answer in time or answers with an error.
   */
  public Future<Integer> revokeDevices(RequestContext ctx, long accountId, List<UUID> deviceIds, String reason) {
    JsonArray ids = new JsonArray();
    deviceIds.forEach(id -> ids.add(id.toString()));
    JsonObject body = new JsonObject().put("account_id", accountId).put("device_ids", ids).put("reason", reason);
    return vertx.eventBus()
        .<Object>request(Addresses.AUTH_SESSION_REVOKE_DEVICES, body, ctx.toDeliveryOptions(timeoutMs))
        .map(AuthSessions::revokedCount);
  }

  private static int revokedCount(Message<Object> reply) {
    if (reply.body() instanceof JsonObject json && json.getValue("data") instanceof JsonObject data
        && data.getValue("revoked") instanceof Number n) {
      return n.intValue();
    }
    return 0;
  }
}
