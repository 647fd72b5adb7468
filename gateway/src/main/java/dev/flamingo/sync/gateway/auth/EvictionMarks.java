package dev.flamingo.sync.gateway.auth;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Which owners (session ids, account ids) were evicted recently, by eviction generation, so that a
 * validation answer that was already on its way when an eviction arrived is recognised as possibly
 * stale and never cached. A validation takes a {@link Ticket} when it starts; its answer is stale when
 * the owner it names was evicted after that ticket.
 *
 * <p>Memory is bounded: marks older than {@code retainMillis} are dropped, and a validation that took
 * longer than that counts as stale anyway; past {@code maxMarks} all marks are dropped at once and every
 * validation started before is stale. Used from one event loop: not thread-safe by design.
 */
public final class EvictionMarks {
  private final long retainMillis;
  private final int maxMarks;
  private final Map<String, long[]> marks = new HashMap<>(); // owner -> {generation, evictedAt}
  private long generation;
  private long floor;
  private long lastSweep;

  /** When a validation started: the generation then and the clock. */
  public record Ticket(long generation, long startedAt) {}

  public EvictionMarks(long retainMillis, int maxMarks) {
    this.retainMillis = Math.max(retainMillis, 1);
    this.maxMarks = maxMarks;
  }

  public Ticket begin(long now) {
    return new Ticket(generation, now);
  }

  public void evicted(String owner, long now) {
    generation++;
    sweep(now);
    if (marks.size() >= maxMarks) {
      marks.clear();
      floor = generation;
    }
    marks.put(owner, new long[] {generation, now});
  }

  /** True when an answer about {@code owner} from a validation begun at {@code ticket} may be stale. */
  public boolean stale(Ticket ticket, String owner, long now) {
    if (now - ticket.startedAt() >= retainMillis || ticket.generation() < floor) {
      return true;
    }
    long[] mark = marks.get(owner);
    return mark != null && mark[0] > ticket.generation();
  }

  public int size() {
    return marks.size();
  }

  private void sweep(long now) {
    if (now - lastSweep < retainMillis) {
      return;
    }
    lastSweep = now;
    for (Iterator<long[]> it = marks.values().iterator(); it.hasNext(); ) {
      if (now - it.next()[1] >= retainMillis) {
        it.remove();
      }
    }
  }
}
