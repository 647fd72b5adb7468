package dev.flamingo.sync.device.audit;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** Publishes {@code EVENT_AUDIT} for what a caller did here (persisted by every device-service's consumer, once). */
public final class AuditPublisher {
  private final Vertx vertx;

  public AuditPublisher(Vertx vertx) {
    this.vertx = vertx;
  }

  public void publish(RequestContext ctx, long accountId, String eventType, JsonObject metadata) {
    vertx.eventBus().publish(Addresses.EVENT_AUDIT, new JsonObject()
        .put("event_id", UUID.randomUUID().toString())
        .put("event_type", eventType)
        .put("account_id", accountId)
        .put("device_id", ctx.deviceId())
        .put("ip", ctx.clientIp())
        .put("user_agent", ctx.userAgent())
        .put("metadata", metadata == null ? new JsonObject() : metadata)
        .put("created_at", Instant.now().toString()));
  }
}
