package dev.flamingo.sync.common.text;

import dev.flamingo.sync.common.bus.ServiceException;

/**
 * Text a client chooses and a person later reads (the device name and type on the authorize page, the
 * dashboard, the audit log): no control characters (C0, DEL, C1) and no bidirectional-formatting
 * characters, which could make "Work laptop" display as something else, and no lone surrogate. Used at pairing
 * (auth-service), on rename (device-service) and for an invite's note.
 */
public final class DisplayText {
  private DisplayText() {}

  /** {@code value} unchanged, or a 400 naming {@code field}. */
  public static String check(String field, String value) {
    if (hasLoneSurrogate(value)) {
      throw ServiceException.badRequest(field + " must be valid Unicode text");
    }
    if (value.codePoints().anyMatch(DisplayText::forbidden)) {
      throw ServiceException.badRequest(field + " must not contain control or bidirectional formatting characters");
    }
    return value;
  }

  /**
   * Whether {@code value} holds half of a UTF-16 surrogate pair alone (JSON's "\\ud800" decodes to one): no
   * character at all, which PostgreSQL's UTF-8 cannot store (the driver writes "?" in its place).
   */
  public static boolean hasLoneSurrogate(String value) {
    return value.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
  }

  public static boolean forbidden(int c) {
    return c <= 0x1F || (c >= 0x7F && c <= 0x9F)
        || c == 0x200E || c == 0x200F
        || (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0x061C; // ARABIC LETTER MARK, a bidi mark too
  }
}
