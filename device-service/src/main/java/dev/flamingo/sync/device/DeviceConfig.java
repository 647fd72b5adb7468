package dev.flamingo.sync.device;

import dev.flamingo.sync.common.config.Settings;

/**
 * The settings of device-service, read once at start. The keys that are not in {@link Settings} yet are
 * named here; every value must be a positive number (a retention of 0 days or less keeps rows forever).
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

  public static final String LAST_SEEN_FLUSH_MS = "FLAMINGO_LAST_SEEN_FLUSH_MS";
  public static final String AUDIT_FLUSH_MS = "FLAMINGO_AUDIT_FLUSH_MS";
  public static final String AUDIT_BATCH_SIZE = "FLAMINGO_AUDIT_BATCH_SIZE";
  public static final String AUDIT_BUFFER_MAX = "FLAMINGO_AUDIT_BUFFER_MAX";
  public static final String AUDIT_RETENTION_DAYS = "FLAMINGO_AUDIT_RETENTION_DAYS";
  public static final String REVOKED_DEVICE_RETENTION_DAYS = "FLAMINGO_REVOKED_DEVICE_RETENTION_DAYS";
  public static final String AUTH_TIMEOUT_MS = "FLAMINGO_DEVICE_AUTH_TIMEOUT_MS";

  public static DeviceConfig from(Settings s) {
    return new DeviceConfig(
        positive(s, LAST_SEEN_FLUSH_MS, s.number(LAST_SEEN_FLUSH_MS, 5000)),
        positive(s, AUDIT_FLUSH_MS, s.number(AUDIT_FLUSH_MS, 1000)),
        (int) positive(s, AUDIT_BATCH_SIZE, s.integer(AUDIT_BATCH_SIZE, 200)),
        (int) positive(s, AUDIT_BUFFER_MAX, s.integer(AUDIT_BUFFER_MAX, 10_000)),
        s.integer(AUDIT_RETENTION_DAYS, 90),
        s.integer(REVOKED_DEVICE_RETENTION_DAYS, 30),
        positive(s, Settings.CLEANUP_INTERVAL_SECONDS, s.number(Settings.CLEANUP_INTERVAL_SECONDS, 3600)),
        positive(s, AUTH_TIMEOUT_MS, s.number(AUTH_TIMEOUT_MS, 5000)),
        (int) positive(s, Settings.SESSION_TTL_DAYS, s.integer(Settings.SESSION_TTL_DAYS, 90)));
  }

  private static long positive(Settings s, String key, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(key + " must be a positive number, not " + value);
    }
    return value;
  }
}
