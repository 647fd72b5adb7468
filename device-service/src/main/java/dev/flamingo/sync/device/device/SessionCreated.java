package dev.flamingo.sync.device.device;

import dev.flamingo.sync.device.support.Fields;
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
    Long account = Fields.eventLong(event, "account_id");
    UUID device = Fields.eventUuid(event, "device_id");
    if (account == null || device == null) {
      return null;
    }
    String name = Fields.eventString(event, "device_name", NAME_MAX);
    String type = Fields.eventString(event, "device_type", TYPE_MAX);
    OffsetDateTime created = Fields.eventTime(event, "created_at");
    if (created == null) {
      created = Times.now();
    }
    OffsetDateTime expires = Fields.eventTime(event, "expires_at");
    if (expires == null) {
      expires = created.plusDays(sessionTtlDays);
    }
    return new SessionCreated(account, device,
        name == null ? "Unknown device" : name,
        type == null ? "desktop" : type,
        Fields.eventString(event, "ip", 64),
        Fields.eventString(event, "user_agent", 512),
        created,
        expires);
  }
}
