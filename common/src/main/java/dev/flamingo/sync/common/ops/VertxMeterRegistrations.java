package dev.flamingo.sync.common.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Micrometer's "This Gauge has been already registered" warning for Vert.x's own meters
 * ({@code vertx.*}), and only those. Vert.x registers a gauge again for every client or pool of the same name
 * (every SQL pool opens a net client: {@code vertx.net.client.active.connections}) and adds them into one shared
 * value by design, so the ignored registration loses nothing; a person reading the start log can do nothing
 * about it. A duplicate of one of our {@code flamingo_*} meters is still logged.
 */
public class VertxMeterRegistrations extends TurboFilter {
  static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format != null && logger != null && LOGGER.equals(logger.getName())
        && format.contains("has been already registered (MeterId{name='vertx.")) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
