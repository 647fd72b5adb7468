package dev.flamingo.sync.data.support;

import dev.flamingo.sync.common.config.Settings;

/** data-service's own settings (keys beside the shared ones in {@link Settings}). */
public record DataSettings(long maxBlobBytes, long maxAccountBytes) {
  public static final String KEK = "FLAMINGO_KEK";
  public static final String KEK_ID = "FLAMINGO_KEK_ID";
  public static final String KEK_PREVIOUS = "FLAMINGO_KEK_PREVIOUS";
  public static final String MAX_BLOB_BYTES = "FLAMINGO_MAX_BLOB_BYTES";
  public static final String MAX_ACCOUNT_BYTES = "FLAMINGO_MAX_ACCOUNT_BYTES";

  /** 5 MiB a blob: far above a 200-entry history, and its base64 body still fits the 10 MiB request limit. */
  public static final long DEFAULT_MAX_BLOB = 5L * 1024 * 1024;
  /** 25 MiB an account: five full-size types. */
  public static final long DEFAULT_MAX_ACCOUNT = 25L * 1024 * 1024;

  public static DataSettings from(Settings s) {
    return new DataSettings(s.number(MAX_BLOB_BYTES, DEFAULT_MAX_BLOB), s.number(MAX_ACCOUNT_BYTES, DEFAULT_MAX_ACCOUNT));
  }
}
