package dev.flamingo.sync.gateway.limits;

import io.vertx.core.Future;

/** Counters for fixed time windows: each key counts one subject in one window, and expires with it. */
public interface WindowCounter {
  /**
   * Adds {@code delta} to the counter {@code key} (created at 0, living {@code ttlMillis} from its
   * creation) and answers the new count. A negative delta on a missing key answers 0 and stores nothing.
   */
  Future<Long> add(String key, long delta, long ttlMillis);
}
