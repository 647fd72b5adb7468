package dev.flamingo.sync.common.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Metrics for every node: Vert.x's own (HTTP, event bus, pools) through Micrometer into a Prometheus
 * registry, plus our counters ({@link #count}). Scraped at {@code /metrics}.
 */
public final class Observability {
  /**
   * Comma-separated Vert.x metrics domains to leave out, or {@code none}. By default {@link #DEFAULT_DISABLED}:
   * Vert.x's per-request HTTP server and per-message event-bus meters cost about 15 % of a request's CPU in
   * the bench (a tagged meter looked up per request and per message); {@link #recordRequest} keeps a cheap
   * request count and duration by status class instead.
   */
  public static final String METRICS_DISABLED = "FLAMINGO_METRICS_DISABLED";
  public static final String DEFAULT_DISABLED = "EVENT_BUS,HTTP_SERVER";

  /** Our counters of one registry (a new Vert.x instance, in tests, may bring a new registry). */
  private record Counters(MeterRegistry registry, Map<List<String>, Counter> byKey) {}

  private static volatile Counters counters = new Counters(null, Map.of());

  private Observability() {}

  /**
   * Options for every Vert.x instance: the native transport where there is one, and Micrometer metrics
   * (off with FLAMINGO_METRICS=false).
   */
  public static VertxOptions vertxOptions() {
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    if ("false".equalsIgnoreCase(System.getenv("FLAMINGO_METRICS"))) {
      return options;
    }
    return options.setMetricsOptions(new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setDisabledMetricsCategories(disabledDomains(System.getenv(METRICS_DISABLED)))
        .setEnabled(true));
  }

  static Set<String> disabledDomains(String setting) {
    if (setting == null) {
      setting = DEFAULT_DISABLED;
    }
    if (setting.isBlank() || "none".equalsIgnoreCase(setting.trim())) {
      return Set.of();
    }
    return Arrays.stream(setting.split(","))
        .map(s -> MetricsDomain.valueOf(s.trim().toUpperCase(Locale.ROOT)).toCategory()) // what the options match on
        .collect(Collectors.toSet());
  }

  /**
   * Increments the counter {@code flamingo_<name>_total}; a no-op where metrics are off. The counter is
   * looked up in the registry once per name and tags, then kept: no meter id is built per call.
   */
  public static void count(String name, double amount, String... tags) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return;
    }
    Counters current = counters;
    if (current.registry() != registry) {
      current = new Counters(registry, new ConcurrentHashMap<>());
      counters = current;
    }
    String[] key = Arrays.copyOf(tags, tags.length + 1);
    key[tags.length] = name;
    current.byKey().computeIfAbsent(Arrays.asList(key), k -> registry.counter("flamingo_" + name, tags)).increment(amount);
  }

  /** The request timers of one registry, by status class (index status / 100), registered once. */
  private record RequestTimers(MeterRegistry registry, Timer[] byClass) {}

  private static volatile RequestTimers requestTimers = new RequestTimers(null, new Timer[0]);

  /**
   * Records one HTTP request in {@code flamingo_http_requests_seconds{class="2xx"}} (count, sum and max):
   * the request rate, errors and mean latency by status class, at the cost of a few atomic adds.
   */
  public static void recordRequest(int status, long nanos) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return;
    }
    RequestTimers current = requestTimers;
    if (current.registry() != registry) {
      Timer[] timers = new Timer[6];
      for (int c = 1; c <= 5; c++) {
        timers[c] = Timer.builder("flamingo_http_requests").tag("class", c + "xx")
            .description("HTTP requests by status class").register(registry);
      }
      current = new RequestTimers(registry, timers);
      requestTimers = current;
    }
    int c = status / 100;
    if (c >= 1 && c <= 5) {
      current.byClass()[c].record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  public static void count(String name, String... tags) {
    count(name, 1, tags);
  }
}
