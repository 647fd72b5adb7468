package dev.flamingo.sync.common.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.stream.Collectors;

/**
 * Metrics for every node: Vert.x's own (HTTP, event bus, pools) through Micrometer into a Prometheus
 * registry, plus our counters ({@link #count}). Scraped at {@code /metrics}.
 */
public final class Observability {
  /** Comma-separated Vert.x metrics domains to leave out (e.g. {@code EVENT_BUS}); none by default. */
  public static final String METRICS_DISABLED = "FLAMINGO_METRICS_DISABLED";

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
    if (setting == null || setting.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(setting.split(","))
        .map(s -> MetricsDomain.valueOf(s.trim().toUpperCase(Locale.ROOT)).name())
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

  public static void count(String name, String... tags) {
    count(name, 1, tags);
  }
}
