package dev.flamingo.sync.auth.support;

import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.json.JsonObject;

/** Typed reads of request bodies: a value of the wrong JSON type is a 400, never a ClassCastException. */
public final class RequestFields {
  private RequestFields() {}

  /** The string at {@code key}, or null when missing, null or not a string. */
  public static String string(JsonObject body, String key) {
    Object value = body.getValue(key);
    return value instanceof String s ? s : null;
  }

  /** A required string, trimmed, 1..max characters, else 400 with {@code message}. */
  public static String required(JsonObject body, String key, int max, String message) {
    String value = string(body, key);
    if (value == null || value.isBlank()) {
      throw new ServiceException(400, message);
    }
    value = value.trim();
    if (value.length() > max) {
      throw new ServiceException(400, key + " must be at most " + max + " characters");
    }
    return value;
  }
}
