package dev.flamingo.sync.data.blob;

import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.data.support.Versions;
import io.vertx.core.json.JsonObject;

/**
 * A blob PUT as received, validated without the key: standard padded base64 (no whitespace, no URL-safe
 * characters), a 12-byte nonce, a blob of at least 16 bytes (a GCM tag), an optional checksum string.
 * Every field of the wrong JSON type is a 400 with a clear text.
 */
public record BlobBody(String type, String blob, String nonce, String checksum, int size, Long ifMatch) {
  public static final int MAX_CHECKSUM = 256;

  public static BlobBody parse(JsonObject body) {
    String type = DataType.require(body.getValue("type")).wireName();
    String blob = base64Field(body, "encrypted_blob");
    String nonce = base64Field(body, "nonce");
    Object checksumValue = body.getValue("checksum");
    if (checksumValue != null && !(checksumValue instanceof String)) {
      throw new ServiceException(400, "checksum must be a string");
    }
    String checksum = (String) checksumValue;
    if (checksum != null && checksum.length() > MAX_CHECKSUM) {
      throw new ServiceException(400, "checksum must be at most " + MAX_CHECKSUM + " characters");
    }
    if (decodedLength(nonce) != 12) {
      throw new ServiceException(400, "nonce must be the base64 of 12 bytes");
    }
    int size = decodedLength(blob);
    if (size < 16) {
      throw new ServiceException(400, "encrypted_blob must be at least 16 bytes (ciphertext and GCM tag)");
    }
    return new BlobBody(type, blob, nonce, checksum, size, Versions.expected(body));
  }

  private static String base64Field(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw new ServiceException(400, key + " is required (a base64 string)");
    }
    if (!isStandardBase64(s)) {
      throw new ServiceException(400, key + " must be standard base64");
    }
    return s;
  }

  private static final boolean[] ALPHABET = new boolean[128];

  static {
    for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray()) {
      ALPHABET[c] = true;
    }
  }

  /** Standard alphabet, padded to a multiple of 4, '=' only at the end; no whitespace, no URL-safe chars. */
  static boolean isStandardBase64(String s) {
    int n = s.length();
    if (n % 4 != 0) {
      return false;
    }
    int end = n - (s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0);
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (c >= 128 || !ALPHABET[c]) {
        return false;
      }
    }
    return true;
  }

  /** The decoded length of a string that passed {@link #isStandardBase64}. */
  static int decodedLength(String base64) {
    int padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
    return base64.length() / 4 * 3 - padding;
  }
}
