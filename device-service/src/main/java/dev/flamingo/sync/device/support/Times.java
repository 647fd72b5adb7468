package dev.flamingo.sync.device.support;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Timestamps as the wire shows them: ISO-8601 in UTC ("2025-01-31T12:00:00.123456Z"). */
public final class Times {
  private Times() {}

  public static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  public static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  public static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
