package dev.flamingo.sync.common.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Metrics for every node: Vert.x's own (HTTP, event bus, pools) through Micrometer into a Prometheus
 * registry, plus our counters ({@link #count}). Scraped at {@code /metrics}.
 */
public final class Observability {
  private Observability() {}

  /** Options with Micrometer metrics on; use them to build every Vert.x instance. */
  public static VertxOptions vertxOptions() {
    if ("false".equalsIgnoreCase(System.getenv("FLAMINGO_METRICS"))) {
      return new VertxOptions();
    }
    return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setEnabled(true));
  }

  /** Increments the counter {@code flamingo_<name>_total}; a no-op where metrics are off. */
  public static void count(String name, double amount, String... tags) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry != null) {
      registry.counter("flamingo_" + name, tags).increment(amount);
    }
  }

  public static void count(String name, String... tags) {
    count(name, 1, tags);
  }
}
