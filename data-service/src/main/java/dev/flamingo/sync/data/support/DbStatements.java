package dev.flamingo.sync.data.support;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts data-service's statement round trips to Postgres, exposed as {@code flamingo_db_statements_total}
 * ({@code service="data"}) on {@code /metrics}: every *Store method counts the statements it sends, and a
 * transaction counts its BEGIN and COMMIT too. The bench divides its delta by the HTTP request delta.
 */
public final class DbStatements {
  private static final LongAdder TOTAL = new LongAdder();

  private DbStatements() {}

  /** {@code n} statements sent. */
  public static void add(int n) {
    TOTAL.add(n);
  }

  /** One statement sent. */
  public static void one() {
    TOTAL.increment();
  }

  /** A transaction: its BEGIN and COMMIT (or ROLLBACK); its statements count themselves. */
  public static void transaction() {
    TOTAL.add(2);
  }

  public static long total() {
    return TOTAL.sum();
  }

  /** The registry the counter is in (each data-service verticle instance calls {@link #register}). */
  private static MeterRegistry registered;

  /**
   * Registers the counter in the default registry, when metrics are on: once per registry (registering the
   * function counter again would be ignored, with Micrometer's "already registered" warning).
   */
  public static synchronized void register() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry != null && registry != registered) {
      registered = registry;
      FunctionCounter.builder("flamingo_db_statements", TOTAL, LongAdder::sum)
          .description("Statement round trips data-service sent to Postgres")
          .tag("service", "data")
          .register(registry);
    }
  }
}
