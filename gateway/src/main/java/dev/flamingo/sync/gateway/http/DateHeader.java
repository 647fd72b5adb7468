package dev.flamingo.sync.gateway.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The standard HTTP {@code Date} header (RFC 9110, IMF-fixdate), which Vert.x does not send by itself: a client
 * (and {@code bin/flamingo-doctor}) can compare its clock with the server's on any answer. Formatted at most once
 * a second and shared by every event loop.
 */
public final class DateHeader {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM uuuu HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private record Cached(long second, String value) {}

  private static volatile Cached cached = new Cached(-1, "");

  private DateHeader() {}

  /** Now, as the header's value. */
  public static String now() {
    long second = System.currentTimeMillis() / 1000;
    Cached c = cached;
    if (c.second != second) {
      c = new Cached(second, IMF_FIXDATE.format(Instant.ofEpochSecond(second)));
      cached = c;
    }
    return c.value;
  }
}
