package dev.flamingo.sync.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The authenticator app of the tests: RFC 6238 codes (HMAC-SHA1, 6 digits, 30 s) computed from an enrolled base32
 * secret, written apart from the server's code so that a test compares two implementations.
 */
public final class TotpCodes {
  public static final long PERIOD = 30;

  private TotpCodes() {}

  /** The code of the current 30-second step. */
  public static String now(String base32Secret) {
    return at(base32Secret, step());
  }

  public static long step() {
    return Instant.now().getEpochSecond() / PERIOD;
  }

  /** The code of {@code step}. */
  public static String at(String base32Secret, long step) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(base32(base32Secret), "HmacSHA1"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
      int o = h[h.length - 1] & 0xf;
      int bin = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8) | (h[o + 3] & 0xff);
      return String.format(Locale.ROOT, "%06d", bin % 1_000_000);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits, when the current step has less than {@code seconds} left, for the next one to begin: so that a code
   * computed now is still the current one when the server checks it. Not an assertion on time.
   */
  public static void freshStep(long seconds) {
    long left = PERIOD - Instant.now().getEpochSecond() % PERIOD;
    if (left < seconds) {
      try {
        Thread.sleep(left * 1000 + 100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The raw bytes of a base32 secret. */
  public static byte[] base32(String s) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char c : s.replace("=", "").toUpperCase(Locale.ROOT).toCharArray()) {
      int v = alphabet.indexOf(c);
      if (v < 0) {
        throw new IllegalArgumentException("not base32: " + c);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
