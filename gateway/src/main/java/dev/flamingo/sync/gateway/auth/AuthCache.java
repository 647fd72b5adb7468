package dev.flamingo.sync.gateway.auth;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A short-lived cache of validated credentials, keyed by the SHA-256 of the credential (the credential
 * itself is never kept). Entries are also indexed by an owner id (session id or account id) so that a
 * published revocation evicts them at once. An answer whose validation began before the latest eviction
 * of its owner is never cached ({@link #putUnlessStale}): it may predate the revocation. Used from one
 * event loop: not thread-safe by design.
 */
public final class AuthCache {
  private final long ttlMillis;
  private final int maxEntries;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Set<String>> byOwner = new HashMap<>();
  private final EvictionMarks marks;

  private record Entry(JsonObject value, String owner, long expiresAt) {}

  public AuthCache(long ttlMillis, int maxEntries) {
    this.ttlMillis = ttlMillis;
    this.maxEntries = maxEntries;
    // marks outlive any validation worth caching: the bus timeout is well under a minute
    this.marks = new EvictionMarks(Math.max(ttlMillis, 60_000), maxEntries);
  }

  /** Call when a validation starts; hand the ticket to {@link #putUnlessStale} with its answer. */
  public EvictionMarks.Ticket begin(long now) {
    return marks.begin(now);
  }

  /**
   * Caches the answer of a validation begun at {@code ticket}, unless its owner was evicted since (or
   * the validation is too old to tell): then the answer may predate a revocation. False when stale.
   */
  public boolean putUnlessStale(String key, String owner, JsonObject value, EvictionMarks.Ticket ticket, long now,
      long notAfter) {
    if (marks.stale(ticket, owner, now)) {
      return false;
    }
    put(key, owner, value, now, notAfter);
    return true;
  }

  public JsonObject get(String key, long now) {
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (e.expiresAt <= now) {
      remove(key);
      return null;
    }
    return e.value;
  }

  /** Caches {@code value} until {@code min(now + ttl, notAfter)}. */
  public void put(String key, String owner, JsonObject value, long now, long notAfter) {
    if (ttlMillis <= 0) {
      return;
    }
    remove(key);
    entries.put(key, new Entry(value, owner, Math.min(now + ttlMillis, notAfter)));
    byOwner.computeIfAbsent(owner, o -> new HashSet<>()).add(key);
    if (entries.size() > maxEntries) {
      Iterator<String> eldest = entries.keySet().iterator();
      remove(eldest.next());
    }
  }

  public void evictOwner(String owner) {
    evictOwner(owner, System.currentTimeMillis());
  }

  public void evictOwner(String owner, long now) {
    marks.evicted(owner, now);
    Set<String> keys = byOwner.remove(owner);
    if (keys != null) {
      keys.forEach(entries::remove);
    }
  }

  public int size() {
    return entries.size();
  }

  private void remove(String key) {
    Entry e = entries.remove(key);
    if (e != null) {
      Set<String> keys = byOwner.get(e.owner);
      if (keys != null) {
        keys.remove(key);
        if (keys.isEmpty()) {
          byOwner.remove(e.owner);
        }
      }
    }
  }
}
