package dev.flamingo.sync.device.audit;

import dev.flamingo.sync.device.support.BusFields;
import dev.flamingo.sync.device.support.Times;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One audit event as stored. {@code key} identifies it: the publisher's {@code event_id} when it sends one,
 * else a hash of its content, so that the copies a publish delivers to several device-service instances
 * are stored once.
 */
public record AuditEvent(
    UUID key,
    String eventType,
    Long accountId,
    UUID deviceId,
    String ip,
    String userAgent,
    JsonObject metadata,
    OffsetDateTime createdAt) {

  public static final int TYPE_MAX = 64;
  public static final int METADATA_MAX_CHARS = 8192;

  /**
   * Reads {@code EVENT_AUDIT} {event_type, account_id?, device_id?, ip?, user_agent?, metadata?, created_at?,
   * event_id?}; null without an event_type. Fields of the wrong type are read as absent.
   */
  public static AuditEvent fromEvent(JsonObject e) {
    String type = BusFields.eventString(e, "event_type", TYPE_MAX);
    if (type == null) {
      return null;
    }
    JsonObject metadata = e.getValue("metadata") instanceof JsonObject m ? m : new JsonObject();
    if (metadata.encode().length() > METADATA_MAX_CHARS) {
      metadata = new JsonObject().put("truncated", true);
    }
    OffsetDateTime created = BusFields.eventTime(e, "created_at");
    UUID key = BusFields.eventUuid(e, "event_id");
    if (key == null) {
      key = UUID.nameUUIDFromBytes(e.encode().getBytes(StandardCharsets.UTF_8));
    }
    return new AuditEvent(key, type,
        BusFields.eventLong(e, "account_id"),
        BusFields.eventUuid(e, "device_id"),
        BusFields.eventString(e, "ip", 64),
        BusFields.eventString(e, "user_agent", 512),
        metadata,
        created == null ? Times.now() : created);
  }
}
