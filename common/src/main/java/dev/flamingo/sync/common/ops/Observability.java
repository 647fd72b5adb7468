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
