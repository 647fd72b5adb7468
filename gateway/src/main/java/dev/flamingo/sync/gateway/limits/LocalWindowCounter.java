package dev.flamingo.sync.gateway.limits;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Window counters in this process only: the one-JVM server's store, and the fallback of a clustered
 * gateway whose shared store is unreachable. Shared by the verticle instances of a process, hence synchronized.
 *
 * <p>Each limit (the text of a key before its first ':', the limiter's name) keeps its own counters, at most
 * {@code maxEntries} of them, so a flood of one limit's subjects (many client addresses) never touches another
 * limit's counts (the failed logins of one e-mail). Expired counters are dropped every second; a full limit drops, of its
 * {@value #CANDIDATES} least recently used counters, the one with the lowest count: a counter that is close to its
 * limit outlives a flood of fresh ones. Nothing is ever dropped wholesale.
 */
public final class LocalWindowCounter implements WindowCounter {
  static final int CANDIDATES = 16;

  private final int maxEntries;
  private final LongSupplier clock;
  private final Map<String, LinkedHashMap<String, long[]>> limits = new HashMap<>(); // limit -> key -> {count, expiresAt}
  private long nextSweep;

  /** {@code maxEntries}: the counters each limit keeps at most. */
  public LocalWindowCounter(int maxEntries) {
    this(maxEntries, System::currentTimeMillis);
  }

  /** With {@code clock} (epoch milliseconds) as the time counters expire by: tests control it. */
  public LocalWindowCounter(int maxEntries, LongSupplier clock) {
    this.maxEntries = Math.max(1, maxEntries);
    this.clock = clock;
  }

  @Override
  public Future<Long> add(String key, long delta, long ttlMillis) {
    return Future.succeededFuture(add(key, delta, ttlMillis, clock.getAsLong()));
  }

  synchronized long add(String key, long delta, long ttlMillis, long now) {
    sweep(now);
    String limit = limitOf(key);
    LinkedHashMap<String, long[]> counters = limits.get(limit);
    long[] c = counters == null ? null : counters.get(key); // access order: this counter is now the most recent
    if (c != null && c[1] <= now) {
      counters.remove(key);
      c = null;
    }
    if (c == null) {
      if (delta <= 0) {
        return 0;
      }
      if (counters == null) {
        counters = new LinkedHashMap<>(16, 0.75f, true);
        limits.put(limit, counters);
      }
      if (counters.size() >= maxEntries) {
        makeRoom(counters);
      }
      c = new long[] {0, now + ttlMillis};
      counters.put(key, c);
    }
    c[0] += delta;
    return c[0];
  }

  public synchronized int size() {
    int size = 0;
    for (Map<String, long[]> counters : limits.values()) {
      size += counters.size();
    }
    return size;
  }

  static String limitOf(String key) {
    int colon = key.indexOf(':');
    return colon < 0 ? "" : key.substring(0, colon);
  }

  /** Every second: drops expired counters (and limits left without any). */
  private void sweep(long now) {
    if (now < nextSweep) {
      return;
    }
    nextSweep = now + 1000;
    limits.values().removeIf(counters -> {
      counters.values().removeIf(c -> c[1] <= now);
      return counters.isEmpty();
    });
  }

  /**
   * One limit is full (what expired over a second ago is gone already, see {@link #sweep}): drop the lowest count
   * among its least recently used counters. O(1), so a flood does not make every request scan the map.
   */
  private void makeRoom(LinkedHashMap<String, long[]> counters) {
    Iterator<Map.Entry<String, long[]>> eldest = counters.entrySet().iterator();
    String victim = null;
    long lowest = Long.MAX_VALUE;
    for (int i = 0; i < CANDIDATES && eldest.hasNext(); i++) {
      Map.Entry<String, long[]> e = eldest.next();
      if (e.getValue()[0] < lowest) {
        lowest = e.getValue()[0];
        victim = e.getKey();
      }
    }
    counters.remove(victim);
  }
}
