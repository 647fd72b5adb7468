package dev.flamingo.sync.device.support;

import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Typed reads of bus bodies. Request bodies come from clients: a value of the wrong JSON type is a
 * 400 with a clear text. Event bodies come from other services: a bad value is read as absent.
 */
public final class BusFields {
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private BusFields() {}

  /** A string field of a request, or null when absent; any other JSON type is a 400. */
  public static String requestString(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw ServiceException.badRequest(key + " must be a string");
  }

  /** A UUID in its canonical 36-character form, or null (never throws). */
  public static UUID uuid(String text) {
    if (text == null || !UUID_TEXT.matcher(text).matches()) {
      return null;
    }
    return UUID.fromString(text);
  }

  /** An event's string field, trimmed and cut to {@code max} characters; null if absent, blank or not a string. */
  public static String eventString(JsonObject event, String key, int max) {
    Object value = event.getValue(key);
    if (!(value instanceof String s)) {
      return null;
    }
    s = s.trim();
    if (s.isEmpty()) {
      return null;
    }
    return truncate(s, max);
  }

  /** An event's whole-number field (a JSON number or a numeric string), or null. */
  public static Long eventLong(JsonObject event, String key) {
    Object value = event.getValue(key);
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** An event's UUID field, or null. */
  public static UUID eventUuid(JsonObject event, String key) {
    Object value = event.getValue(key);
    return value instanceof String s ? uuid(s.trim()) : null;
  }

  /** An event's ISO-8601 timestamp (with an offset or Z), in UTC; null when absent or unreadable. */
  public static OffsetDateTime eventTime(JsonObject event, String key) {
    Object value = event.getValue(key);
    if (!(value instanceof String s)) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s.trim()).withOffsetSameInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Cuts a string to at most {@code max} code points. */
  public static String truncate(String s, int max) {
    if (s == null || s.codePointCount(0, s.length()) <= max) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, max));
  }
}
