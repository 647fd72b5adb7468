package dev.flamingo.sync.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random tokens, their SHA-256 hashes and constant-time comparison. Tokens are never stored or logged. */
public final class Tokens {
  public static final String TEMP_PREFIX = "flm_temp_";
  public static final String SESSION_PREFIX = "flm_sync_";
  public static final String RESET_PREFIX = "flm_reset_";
  public static final int PREFIX_LENGTH = 16;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private Tokens() {}

  /** {@code flm_temp_} + 64 hex chars (32 random bytes). */
  public static String newTempToken() {
    return TEMP_PREFIX + randomHex(32);
  }

  /** {@code flm_sync_} + 128 hex chars (64 random bytes). */
  public static String newSessionToken() {
    return SESSION_PREFIX + randomHex(64);
  }

  /** {@code flm_reset_} + 64 hex chars (32 random bytes): a one-time password-reset link's token. */
  public static String newResetToken() {
    return RESET_PREFIX + randomHex(32);
  }

  public static boolean isResetToken(String s) {
    return s != null && s.length() == RESET_PREFIX.length() + 64 && s.startsWith(RESET_PREFIX)
        && isLowerHex(s, RESET_PREFIX.length());
  }

  public static boolean isTempToken(String s) {
    return s != null && s.length() == TEMP_PREFIX.length() + 64 && s.startsWith(TEMP_PREFIX)
        && isLowerHex(s, TEMP_PREFIX.length());
  }

  public static boolean isSessionToken(String s) {
    return s != null && s.length() == SESSION_PREFIX.length() + 128 && s.startsWith(SESSION_PREFIX)
        && isLowerHex(s, SESSION_PREFIX.length());
  }

  public static String prefix(String token) {
    return token.substring(0, PREFIX_LENGTH);
  }

  public static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HEX.formatHex(b);
  }

  public static byte[] randomBytes(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return b;
  }

  /** One digest per thread: {@code MessageDigest.getInstance} looks the provider up on every call. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  public static byte[] sha256(String token) {
    return SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8)); // digest() resets it
  }

  public static String sha256Hex(String token) {
    return HEX.formatHex(sha256(token));
  }

  public static boolean constantTimeEquals(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  private static boolean isLowerHex(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
