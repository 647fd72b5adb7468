package dev.flamingo.sync.gateway.limits;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Window counters in this process only: the one-JVM server's store, and the fallback of a clustered
 * gateway whose shared store is unreachable. Expired counters are swept; past {@code maxEntries} live
 * ones, all are dropped (limits restart rather than memory growing). Shared by the verticle instances
 * of a process, hence synchronized.
 */
public final class LocalWindowCounter implements WindowCounter {
  private final int maxEntries;
  private final LongSupplier clock;
  private final Map<String, long[]> counters = new HashMap<>(); // key -> {count, expiresAt}
  private long nextSweep;

  public LocalWindowCounter(int maxEntries) {
    this(maxEntries, System::currentTimeMillis);
  }

  /** With {@code clock} (epoch milliseconds) as the time counters expire by: tests control it. */
  public LocalWindowCounter(int maxEntries, LongSupplier clock) {
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  @Override
  public Future<Long> add(String key, long delta, long ttlMillis) {
    return Future.succeededFuture(add(key, delta, ttlMillis, clock.getAsLong()));
  }

  synchronized long add(String key, long delta, long ttlMillis, long now) {
    sweep(now);
    long[] c = counters.get(key);
    if (c != null && c[1] <= now) {
      counters.remove(key);
      c = null;
    }
    if (c == null) {
      if (delta <= 0) {
        return 0;
      }
      c = new long[] {0, now + ttlMillis};
      counters.put(key, c);
    }
    c[0] += delta;
    return c[0];
  }

  public synchronized int size() {
    return counters.size();
  }

  private void sweep(long now) {
    if (now < nextSweep && counters.size() < maxEntries) {
      return;
    }
    nextSweep = now + 1000;
    counters.values().removeIf(c -> c[1] <= now);
    if (counters.size() >= maxEntries) {
      counters.clear();
    }
  }
}
