package dev.flamingo.sync.common.ops;

import dev.flamingo.sync.common.config.Setting;
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
    if ("false".equalsIgnoreCase(Setting.METRICS.fromEnvironment())) {
      return options;
    }
    return options.setMetricsOptions(new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setDisabledMetricsCategories(disabledDomains(Setting.METRICS_DISABLED.fromEnvironment()))
        .setEnabled(true));
  }

  /**
   * The metrics domains left out: FLAMINGO_METRICS_DISABLED (null: its default, which leaves out Vert.x's
   * per-request HTTP and per-message bus meters; {@link #recordRequest} keeps a cheap count instead).
   */
  static Set<String> disabledDomains(String setting) {
    if (setting == null) {
      setting = Setting.METRICS_DISABLED.defaultValue(null);
    }
    if (setting.isBlank() || "none".equalsIgnoreCase(setting.trim())) {
      return Set.of();
    }
    return Arrays.stream(setting.split(","))
        .map(s -> MetricsDomain.valueOf(s.trim().toUpperCase(Locale.ROOT)).toCategory()) // what the options match on
        .collect(Collectors.toSet());
  }

  /**
   * The HELP text of each of our counters ({@code flamingo_<name>_total}), by name. A counter not named here
   * gets a generic text; give every new one a line.
   */
  static final Map<String, String> DESCRIPTIONS = Map.of(
      "sessions_issued", "Device sessions issued (a device paired, or a session rotated)",
      "sessions_revoked", "Device sessions revoked, by reason",
      "blob_bytes_written", "Bytes of encrypted blobs stored",
      "blob_put_raced", "Blob writes that raced another write of the same account and were retried under its lock",
      "http_errors", "HTTP answers with an error status, by status class",
      "rate_limit_hits", "Requests refused by a rate limit, by limit");

  /**
   * Increments the counter {@code flamingo_<name>_total}; a no-op where metrics are off. The counter is
   * looked up in the registry once per name and tags, then kept: no meter id is built per call.
   */
  public static void count(String name, double amount, String... tags) {
    Counter counter = counter(name, tags);
    if (counter != null) {
      counter.increment(amount);
    }
  }

  /**
   * Registers the counter {@code flamingo_<name>_total} with these tags at 0 (where metrics are on), so that it
   * is scraped before its first event: a rate or an alert on it then sees the first increment.
   */
  public static void register(String name, String... tags) {
    counter(name, tags);
  }

  private static Counter counter(String name, String... tags) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return null;
    }
    Counters current = counters;
    if (current.registry() != registry) {
      synchronized (Observability.class) {
        current = counters;
        if (current.registry() != registry) {
          current = new Counters(registry, new ConcurrentHashMap<>());
          counters = current;
        }
      }
    }
    String[] key = Arrays.copyOf(tags, tags.length + 1);
    key[tags.length] = name;
    return current.byKey().computeIfAbsent(Arrays.asList(key), k -> Counter.builder("flamingo_" + name)
        .description(DESCRIPTIONS.getOrDefault(name, "Flamingo Sync: " + name.replace('_', ' ')))
        .tags(tags)
        .register(registry));
  }

  /** The request timers of one registry, by status class (index status / 100), registered once. */
  private record RequestTimers(MeterRegistry registry, Timer[] byClass) {}

  private static volatile RequestTimers requestTimers = new RequestTimers(null, new Timer[0]);

  /**
   * Records one HTTP request in {@code flamingo_http_requests_seconds{class="2xx"}} (count, sum and max):
   * the request rate, errors and mean latency by status class, at the cost of a few atomic adds.
   */
  public static void recordRequest(int status, long nanos) {
    Timer[] timers = requestTimers();
    int c = status / 100;
    if (timers != null && c >= 1 && c <= 5) {
      timers[c].record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Registers the HTTP meters at 0: {@code flamingo_http_requests_seconds} for every status class and
   * {@code flamingo_http_errors_total} for 4xx and 5xx (the gateway calls it at start).
   */
  public static void registerHttpMeters() {
    requestTimers();
    register("http_errors", "class", "4xx");
    register("http_errors", "class", "5xx");
  }

  private static Timer[] requestTimers() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return null;
    }
    RequestTimers current = requestTimers;
    if (current.registry() != registry) {
      Timer[] timers = new Timer[6];
      for (int c = 1; c <= 5; c++) {
        timers[c] = Timer.builder("flamingo_http_requests").tag("class", c + "xx")
            .description("HTTP requests answered, by status class (count, total and max seconds)").register(registry);
      }
      current = new RequestTimers(registry, timers);
      requestTimers = current;
    }
    return current.byClass();
  }

  public static void count(String name, String... tags) {
    count(name, 1, tags);
  }
}
