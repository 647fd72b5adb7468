package dev.flamingo.sync.device;

import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;

/**
 * The settings of device-service, read once at start (declared, with their defaults, in {@link Setting});
 * every value must be a positive number (a retention of 0 days or less keeps rows forever).
 */
public record DeviceConfig(
    long lastSeenFlushMs,
    long auditFlushMs,
    int auditBatchSize,
    int auditBufferMax,
    int auditRetentionDays,
    int revokedDeviceRetentionDays,
    long cleanupIntervalSeconds,
    long authTimeoutMs,
    int sessionTtlDays) {

  public static DeviceConfig from(Settings s) {
    return new DeviceConfig(
        positive(Setting.LAST_SEEN_FLUSH_MS, s.number(Setting.LAST_SEEN_FLUSH_MS)),
        positive(Setting.AUDIT_FLUSH_MS, s.number(Setting.AUDIT_FLUSH_MS)),
        (int) positive(Setting.AUDIT_BATCH_SIZE, s.integer(Setting.AUDIT_BATCH_SIZE)),
        (int) positive(Setting.AUDIT_BUFFER_MAX, s.integer(Setting.AUDIT_BUFFER_MAX)),
        s.integer(Setting.AUDIT_RETENTION_DAYS),
        s.integer(Setting.REVOKED_DEVICE_RETENTION_DAYS),
        positive(Setting.CLEANUP_INTERVAL_SECONDS, s.number(Setting.CLEANUP_INTERVAL_SECONDS)),
        positive(Setting.DEVICE_AUTH_TIMEOUT_MS, s.number(Setting.DEVICE_AUTH_TIMEOUT_MS)),
        (int) positive(Setting.SESSION_TTL_DAYS, s.integer(Setting.SESSION_TTL_DAYS)));
  }

  private static long positive(Setting setting, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(setting.key() + " must be a positive number, not " + value);
    }
    return value;
  }
}
