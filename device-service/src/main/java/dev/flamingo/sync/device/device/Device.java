package dev.flamingo.sync.device.device;

import dev.flamingo.sync.device.support.Times;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One device of an account (one per paired desktop client). */
public record Device(
    UUID id,
    long accountId,
    String name,
    String deviceType,
    OffsetDateTime createdAt,
    OffsetDateTime lastSeenAt,
    String lastIp,
    OffsetDateTime sessionExpiresAt) {

  /**
   * The wire shape: the contract's {@code id, name, device_type, is_approved, is_current, last_seen_at,
   * created_at}, plus {@code last_ip}, {@code status} ("active", or "expired" once its newest session
   * has expired) and {@code session_expires_at}.
   */
  public JsonObject toJson(String currentDeviceId, OffsetDateTime now) {
    boolean expired = sessionExpiresAt != null && !sessionExpiresAt.isAfter(now);
    return new JsonObject()
        .put("id", id.toString())
        .put("name", name)
        .put("device_type", deviceType)
        .put("is_approved", true)
        .put("is_current", currentDeviceId != null && id.toString().equalsIgnoreCase(currentDeviceId))
        .put("last_seen_at", Times.iso(lastSeenAt == null ? createdAt : lastSeenAt))
        .put("created_at", Times.iso(createdAt))
        .put("last_ip", lastIp)
        .put("status", expired ? "expired" : "active")
        .put("session_expires_at", Times.iso(sessionExpiresAt));
  }
}
