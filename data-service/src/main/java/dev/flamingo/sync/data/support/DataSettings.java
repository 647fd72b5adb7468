package dev.flamingo.sync.data.support;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.data.DataType;

/** data-service's own settings (keys beside the shared ones in {@link Settings}). */
public record DataSettings(long maxBlobBytes, long maxAccountBytes) {
  /** Key-encryption key: base64 of 32 bytes. Unset: read or create {@code <FLAMINGO_SECRETS_DIR>/kek}. */
  public static final String KEK = "FLAMINGO_KEK";
  /** The id stored with every row wrapped under {@link #KEK}; default {@code k1}. */
  public static final String KEK_ID = "FLAMINGO_KEK_ID";
  /** Older KEKs still readable during a KEK rotation: {@code id:base64,id:base64}. */
  public static final String KEK_PREVIOUS = "FLAMINGO_KEK_PREVIOUS";
  public static final String MAX_BLOB_BYTES = "FLAMINGO_MAX_BLOB_BYTES";
  public static final String MAX_ACCOUNT_BYTES = "FLAMINGO_MAX_ACCOUNT_BYTES";

  /** The largest default blob of any type ({@link DataType#DEFAULT_MAX_BYTES}: 5 MiB). */
  public static final long DEFAULT_MAX_BLOB = DataType.defaultBlobBytes();
  /** An account's default quota: every type at its full default size (25 MiB). */
  public static final long DEFAULT_MAX_ACCOUNT = DataType.defaultAccountBytes();
  /** A blob size is stored as an integer. */
  static final long MAX_CONFIGURABLE = Integer.MAX_VALUE;

  /** The limits from config; a malformed or non-positive value fails the start with a clear message. */
  public static DataSettings from(Settings s) {
    return new DataSettings(bytes(s, MAX_BLOB_BYTES, DEFAULT_MAX_BLOB), bytes(s, MAX_ACCOUNT_BYTES, DEFAULT_MAX_ACCOUNT));
  }

  private static long bytes(Settings s, String key, long fallback) {
    long value = s.number(key, fallback); // a malformed value: Settings.InvalidSetting naming the key
    if (value < 16 || value > MAX_CONFIGURABLE) {
      throw new IllegalStateException(key + " must be between 16 and " + MAX_CONFIGURABLE + " bytes, got " + value);
    }
    return value;
  }
}
