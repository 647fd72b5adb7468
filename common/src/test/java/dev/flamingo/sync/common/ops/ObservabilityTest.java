package dev.flamingo.sync.common.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObservabilityTest {
  @Test
  void metricsDomainsCanBeLeftOutByName() {
    assertEquals(Set.of(), Observability.disabledDomains(null));
    assertEquals(Set.of("EVENT_BUS", "NAMED_POOLS"), Observability.disabledDomains("event_bus, NAMED_POOLS"));
    assertThrows(IllegalArgumentException.class, () -> Observability.disabledDomains("EVENTBUS"));
    MicrometerMetricsOptions options = (MicrometerMetricsOptions) Observability.vertxOptions().getMetricsOptions();
    assertEquals(Set.of(), options.getDisabledMetricsCategories()); // every domain on by default
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
