package dev.flamingo.sync.data.support;

import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;

/** data-service's size limits, read once at start (the settings and their defaults are declared in {@link Setting}). */
public record DataSettings(long maxBlobBytes, long maxAccountBytes) {
  /** A blob size is stored as an integer. */
  static final long MAX_CONFIGURABLE = Integer.MAX_VALUE;

  /** The limits from config; a malformed or non-positive value fails the start with a clear message. */
  public static DataSettings from(Settings s) {
    return new DataSettings(bytes(s, Setting.MAX_BLOB_BYTES), bytes(s, Setting.MAX_ACCOUNT_BYTES));
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
