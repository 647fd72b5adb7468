package dev.flamingo.sync.data.support;

import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;

/**
 * data-service's size limits and revision rules, read once at start (the settings and their defaults are declared
 * in {@link Setting}): revisions are kept when {@code revisionDays} and {@code revisionKeep} are both above 0.
 */
public record DataSettings(long maxBlobBytes, long maxAccountBytes, int revisionEverySeconds, int revisionDays,
    int revisionKeep) {
  /** A blob size is stored as an integer. */
  static final long MAX_CONFIGURABLE = Integer.MAX_VALUE;

  /** The limits from config; a malformed or non-positive value fails the start with a clear message. */
  public static DataSettings from(Settings s) {
    return new DataSettings(bytes(s, Setting.MAX_BLOB_BYTES), bytes(s, Setting.MAX_ACCOUNT_BYTES),
        atLeastZero(s, Setting.REVISIONS_EVERY), atLeastZero(s, Setting.REVISIONS_DAYS),
        atLeastZero(s, Setting.REVISIONS_KEEP));
  }

  /** Whether new revisions are kept at all ({@code 0} days or keep turns them off). */
  public boolean revisionsOn() {
    return revisionDays > 0 && revisionKeep > 0;
  }

  private static int atLeastZero(Settings s, Setting setting) {
    long value = s.number(setting);
    if (value < 0 || value > 100_000_000) {
      throw new IllegalStateException(setting.key() + " must be between 0 and 100000000, got " + value);
    }
    return (int) value;
  }

  private static long bytes(Settings s, Setting setting) {
    long value = s.number(setting); // a malformed value: Settings.InvalidSetting naming the key
    if (value < 16 || value > MAX_CONFIGURABLE) {
      throw new IllegalStateException(setting.key() + " must be between 16 and " + MAX_CONFIGURABLE + " bytes, got "
          + value);
    }
    return value;
  }
}
