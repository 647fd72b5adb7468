package dev.flamingo.sync.common.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.micrometer.MetricsDomain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ObservabilityTest {
  @Test
  void metricsDomainsCanBeLeftOutByName() {
    Set<String> perRequest = Set.of(MetricsDomain.EVENT_BUS.toCategory(), MetricsDomain.HTTP_SERVER.toCategory());
    assertEquals(perRequest, Observability.disabledDomains(null), "the default");
    assertEquals(Set.of(), Observability.disabledDomains("none"));
    assertEquals(Set.of(), Observability.disabledDomains(""));
    assertEquals(Set.of(MetricsDomain.EVENT_BUS.toCategory(), MetricsDomain.NAMED_POOLS.toCategory()),
        Observability.disabledDomains("event_bus, NAMED_POOLS"));
    assertThrows(IllegalArgumentException.class, () -> Observability.disabledDomains("EVENTBUS"));
    MicrometerMetricsOptions options = (MicrometerMetricsOptions) Observability.vertxOptions().getMetricsOptions();
    assertEquals(perRequest, options.getDisabledMetricsCategories()); // the per-request meters off
    assertTrue(options.isMetricsCategoryDisabled(MetricsDomain.HTTP_SERVER), "as Vert.x reads the setting");
    assertFalse(options.isMetricsCategoryDisabled(MetricsDomain.NAMED_POOLS));
  }

  @Test
  void requestsAreTimedByStatusClass() {
    Vertx vertx = Vertx.vertx(Observability.vertxOptions());
    try {
      MeterRegistry registry = BackendRegistries.getDefaultNow();
      Observability.recordRequest(200, 2_000_000);
      Observability.recordRequest(204, 4_000_000);
      Observability.recordRequest(404, 1_000_000);
      Observability.recordRequest(99, 1_000_000); // not an HTTP status: ignored
      var ok = registry.get("flamingo_http_requests").tag("class", "2xx").timer();
      assertEquals(2, ok.count());
      assertEquals(6.0, ok.totalTime(TimeUnit.MILLISECONDS), 0.001);
      assertEquals(1, registry.get("flamingo_http_requests").tag("class", "4xx").timer().count());
      assertEquals(0, registry.get("flamingo_http_requests").tag("class", "5xx").timer().count());
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void countersAreKeptPerRegistryAndCountEveryCall() {
    for (int round = 0; round < 2; round++) { // a new Vert.x instance brings a new registry: nothing stale is reused
      Vertx vertx = Vertx.vertx(Observability.vertxOptions());
      try {
        MeterRegistry registry = BackendRegistries.getDefaultNow();
        Observability.count("test_things", "kind", "a");
        Observability.count("test_things", 2, "kind", "a");
        Observability.count("test_things", "kind", "b");
        Observability.count("test_other");
        assertEquals(3.0, registry.get("flamingo_test_things").tag("kind", "a").counter().count());
        assertEquals(1.0, registry.get("flamingo_test_things").tag("kind", "b").counter().count());
        assertEquals(1.0, registry.get("flamingo_test_other").counter().count());
      } finally {
        vertx.close().await();
      }
    }
  }
}
