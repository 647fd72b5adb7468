package dev.flamingo.sync.data.support;

import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Cache validators: versions named by a request ({@code If-Match: "3"} or W/"3", or an
 * {@code expected_version} field), ETags and HTTP dates. A condition of the wrong JSON type is a 400,
 * never ignored: a conditional write must not silently become a plain one.
 */
public final class Versions {
  public static final String BAD_IF_MATCH = "If-Match must be an ETag like \"3\"";
  public static final String BAD_IF_NONE_MATCH = "If-None-Match must be an ETag like \"3\"";

  /** IMF-fixdate (RFC 9110), e.g. {@code Tue, 03 Jun 2008 11:05:30 GMT}: always a two-digit day. */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

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
    if (header == null) {
      return null;
    }
    if (!(header instanceof String s)) {
      throw new ServiceException(400, BAD_IF_MATCH);
    }
    if (s.isBlank()) {
      return null;
    }
    Long v = parseEtag(s.trim());
    if (v == null) {
      throw new ServiceException(400, BAD_IF_MATCH);
    }
    return v;
  }

  /** {@code "3"} or {@code W/"3"} or {@code 3} → 3; anything else → null. */
  public static Long parseEtag(String tag) {
    String t = tag.startsWith("W/") ? tag.substring(2) : tag;
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.isEmpty() || t.length() > 18 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    return Long.parseLong(t);
  }

  /** True when an If-None-Match header ({@code "3"}, a list, or {@code *}) matches the current version. */
  public static boolean noneMatch(Object header, long current) {
    if (header == null) {
      return false;
    }
    if (!(header instanceof String s)) {
      throw new ServiceException(400, BAD_IF_NONE_MATCH);
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

  public static String httpDate(Instant instant) {
    return HTTP_DATE.format(instant);
  }
}
