package dev.flamingo.sync.auth.support;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** Publishes audit events for device-service to record. Never fails the request; never carries secrets. */
public final class AuditEvents {
  private final Vertx vertx;

  public AuditEvents(Vertx vertx) {
    this.vertx = vertx;
  }

  public void publish(String type, RequestContext ctx, Long accountId, String deviceId, JsonObject metadata) {
    try {
      vertx.eventBus().publish(Addresses.EVENT_AUDIT, new JsonObject()
          .put("event_id", UUID.randomUUID().toString())
          .put("event_type", type)
          .put("account_id", accountId)
          .put("device_id", deviceId)
          .put("ip", ctx.clientIp())
          .put("user_agent", ctx.userAgent())
          .put("metadata", metadata == null ? new JsonObject() : metadata)
          .put("created_at", Instant.now().toString()));
    } catch (RuntimeException ignored) {
      // auditing must never fail the user's request
    }
  }
}
