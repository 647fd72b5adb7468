package dev.flamingo.sync.data.support;

import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.json.JsonObject;

/** Versions named by a request: {@code If-Match: "3"} (or W/"3"), or an {@code expected_version} field. */
public final class Versions {
  private Versions() {}

  /** The version the request names, or null when it names none; a malformed one is 400. */
  public static Long expected(JsonObject body) {
    Object field = body.getValue("expected_version");
    if (field != null) {
      if (field instanceof Number n && n.longValue() == n.doubleValue()) {
        return n.longValue();
      }
      throw new ServiceException(400, "expected_version must be an integer");
    }
    Object header = body.getValue("if_match");
    if (header instanceof String s && !s.isBlank()) {
      Long v = parseEtag(s.trim());
      if (v == null) {
        throw new ServiceException(400, "If-Match must be an ETag like \"3\"");
      }
      return v;
    }
    return null;
  }

  /** {@code "3"} or {@code W/"3"} or {@code 3} → 3; anything else → null. */
  public static Long parseEtag(String tag) {
    String t = tag.startsWith("W/") ? tag.substring(2) : tag;
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      t = t.substring(1, t.length() - 1);
    }
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** True when an If-None-Match header matches the current version. */
  public static boolean noneMatch(Object header, long current) {
    if (!(header instanceof String s)) {
      return false;
    }
    for (String part : s.split(",")) {
      String p = part.trim();
      if (p.equals("*") || Long.valueOf(current).equals(parseEtag(p))) {
        return true;
      }
    }
    return false;
  }

  public static String etag(long version) {
    return "\"" + version + "\"";
  }
}
