package dev.flamingo.sync.common.bus;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * Publishes audit events on {@link Addresses#EVENT_AUDIT} for device-service to record, in one shape
 * for every service: {event_id, event_type, account_id, device_id, ip, user_agent, metadata, created_at}.
 * Never fails the caller's request; metadata never carries secrets.
 */
public final class AuditEvents {
  private final Vertx vertx;

  public AuditEvents(Vertx vertx) {
    this.vertx = vertx;
  }

  public void publish(String type, RequestContext ctx, Long accountId, String deviceId, JsonObject metadata) {
    try {
      vertx.eventBus().publish(Addresses.EVENT_AUDIT, event(type, ctx, accountId, deviceId, metadata));
    } catch (RuntimeException ignored) {
      // auditing must never fail the user's request
    }
  }

  /** A new audit event in the one shape every service uses (published here, or written to an outbox). */
  public static JsonObject event(String type, RequestContext ctx, Long accountId, String deviceId, JsonObject metadata) {
    return new JsonObject()
        .put("event_id", UUID.randomUUID().toString())
        .put("event_type", type)
        .put("account_id", accountId)
        .put("device_id", deviceId)
        .put("ip", ctx.clientIp())
        .put("user_agent", ctx.userAgent())
        .put("metadata", metadata == null ? new JsonObject() : metadata)
        .put("created_at", Instant.now().toString());
  }
}
