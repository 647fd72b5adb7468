package dev.flamingo.sync.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class AuthCacheTest {
  final JsonObject value = new JsonObject().put("account_id", 1);

  @Test
  void entriesExpireAfterTtlOrNotAfterWhicheverIsFirst() {
    AuthCache cache = new AuthCache(1000, 10);
    cache.put("a", "s1", value, 0, Long.MAX_VALUE);
    cache.put("b", "s2", value, 0, 500);
    assertNotNull(cache.get("a", 999));
    assertNull(cache.get("a", 1000));
    assertNotNull(cache.get("b", 499));
    assertNull(cache.get("b", 500));
  }

  @Test
  void evictingAnOwnerDropsAllItsEntries() {
    AuthCache cache = new AuthCache(60_000, 10);
    cache.put("a", "s1", value, 0, Long.MAX_VALUE);
    cache.put("b", "s1", value, 0, Long.MAX_VALUE);
    cache.put("c", "s2", value, 0, Long.MAX_VALUE);
    cache.evictOwner("s1");
    assertNull(cache.get("a", 1));
    assertNull(cache.get("b", 1));
    assertNotNull(cache.get("c", 1));
    assertEquals(1, cache.size());
  }

  @Test
  void sizeIsBoundedLeastRecentlyUsedFirst() {
    AuthCache cache = new AuthCache(60_000, 2);
    cache.put("a", "s1", value, 0, Long.MAX_VALUE);
    cache.put("b", "s2", value, 0, Long.MAX_VALUE);
    cache.get("a", 1);
    cache.put("c", "s3", value, 0, Long.MAX_VALUE);
    assertEquals(2, cache.size());
    assertNotNull(cache.get("a", 1));
    assertNull(cache.get("b", 1));
    cache.evictOwner("s2"); // index of an evicted entry is gone too: no stale owner left behind
    assertEquals(2, cache.size());
  }

  @Test
  void zeroTtlDisablesCaching() {
    AuthCache cache = new AuthCache(0, 10);
    cache.put("a", "s1", value, 0, Long.MAX_VALUE);
    assertNull(cache.get("a", 0));
  }

  @Test
  void anAnswerBegunBeforeItsOwnersEvictionIsNotCached() {
    AuthCache cache = new AuthCache(60_000, 10);
    EvictionMarks.Ticket before = cache.begin(0);
    cache.evictOwner("s1", 1);
    EvictionMarks.Ticket after = cache.begin(2);
    assertFalse(cache.putUnlessStale("a", "s1", value, before, 3, Long.MAX_VALUE));
    assertNull(cache.get("a", 3));
    assertTrue(cache.putUnlessStale("b", "s2", value, before, 3, Long.MAX_VALUE)); // another owner: fine
    assertTrue(cache.putUnlessStale("a", "s1", value, after, 3, Long.MAX_VALUE));  // began after: fine
  }

  @Test
  void evictionMarksStayBoundedAndFailSafe() {
    EvictionMarks marks = new EvictionMarks(1000, 3);
    EvictionMarks.Ticket old = marks.begin(0);
    for (int i = 0; i < 10; i++) {
      marks.evicted("s" + i, i);
    }
    assertTrue(marks.size() <= 3);
    assertTrue(marks.stale(old, "s0", 10)); // its mark was dropped for room, yet the old answer is still stale
    marks.evicted("late", 5000);             // a sweep drops marks older than the retention
    assertEquals(1, marks.size());
    assertTrue(marks.stale(marks.begin(0), "x", 1000)); // a validation slower than the retention is stale
    assertFalse(marks.stale(marks.begin(6000), "x", 6001));
  }
}
