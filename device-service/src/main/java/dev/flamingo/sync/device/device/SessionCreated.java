package dev.flamingo.sync.device.device;

import dev.flamingo.sync.device.support.BusFields;
import dev.flamingo.sync.device.support.Times;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * auth-service's {@code EVENT_SESSION_CREATED}: {account_id, session_id, device_id, device_name,
 * device_type, ip, user_agent, created_at, expires_at?}. A rotated session keeps its device_id.
 */
public record SessionCreated(
    long accountId,
    UUID deviceId,
    String deviceName,
    String deviceType,
    String ip,
    String userAgent,
    OffsetDateTime createdAt,
    OffsetDateTime expiresAt) {

  public static final int NAME_MAX = 100;
  public static final int TYPE_MAX = 50;

  /** The event, or null when it lacks an account or a well-formed device id. */
  public static SessionCreated parse(JsonObject event, int sessionTtlDays) {
    Long account = BusFields.eventLong(event, "account_id");
    UUID device = BusFields.eventUuid(event, "device_id");
    if (account == null || device == null) {
      return null;
    }
    String name = BusFields.eventString(event, "device_name", NAME_MAX);
    String type = BusFields.eventString(event, "device_type", TYPE_MAX);
    OffsetDateTime created = BusFields.eventTime(event, "created_at");
    if (created == null) {
      created = Times.now();
    }
    OffsetDateTime expires = BusFields.eventTime(event, "expires_at");
    if (expires == null) {
      expires = created.plusDays(sessionTtlDays);
    }
    return new SessionCreated(account, device,
        name == null ? "Unknown device" : name,
        type == null ? "desktop" : type,
        BusFields.eventString(event, "ip", 64),
        BusFields.eventString(event, "user_agent", 512),
        created,
        expires);
  }
}
