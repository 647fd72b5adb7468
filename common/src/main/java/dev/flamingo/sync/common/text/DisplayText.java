package dev.flamingo.sync.common.text;

import dev.flamingo.sync.common.bus.ServiceException;

/**
 * Text a client chooses and a person later reads (the device name and type on the authorize page, the
 * dashboard, the audit log): no control characters (C0, DEL, C1) and no bidirectional-formatting
 * characters, which could make "Work laptop" display as something else. Used at pairing (auth-service)
 * and on rename (device-service).
 */
public final class DisplayText {
  private DisplayText() {}

  /** {@code value} unchanged, or a 400 naming {@code field}. */
  public static String check(String field, String value) {
    if (value.codePoints().anyMatch(DisplayText::forbidden)) {
      throw ServiceException.badRequest(field + " must not contain control or bidirectional formatting characters");
    }
    return value;
  }

  public static boolean forbidden(int c) {
    return c <= 0x1F || (c >= 0x7F && c <= 0x9F)
        || c == 0x200E || c == 0x200F
        || (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0x061C; // ARABIC LETTER MARK, a bidi mark too
  }
}
