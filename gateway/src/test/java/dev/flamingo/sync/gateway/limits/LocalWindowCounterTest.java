package dev.flamingo.sync.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalWindowCounterTest {
  @Test
  void countsWithinAWindowAndStartsAgainAfterIt() {
    LocalWindowCounter c = new LocalWindowCounter(100);
    assertEquals(1, c.add("k", 1, 1000, 0));
    assertEquals(2, c.add("k", 1, 1000, 999));
    assertEquals(1, c.add("k", -1, 1000, 999));
    assertEquals(1, c.add("k", 1, 1000, 1000));
    assertEquals(0, c.add("gone", -1, 1000, 1000)); // a refund never creates a counter
  }

  @Test
  void countersLiveByTheClockTheyAreGiven() {
    AtomicLong now = new AtomicLong(5_000);
    LocalWindowCounter c = new LocalWindowCounter(100, now::get);
    assertEquals(1L, c.add("k", 1, 1000).await());
    now.set(5_999);
    assertEquals(2L, c.add("k", 1, 1000).await());
    now.set(6_000); // its time to live has passed
    assertEquals(1L, c.add("k", 1, 1000).await());
  }

  @Test
  void tenThousandDistinctClientsLeaveNothingBehindAfterTheirWindow() {
    LocalWindowCounter c = new LocalWindowCounter(200_000);
    for (int i = 0; i < 10_000; i++) {
      c.add("ip-" + i, 1, 1000, 0);
    }
    assertEquals(10_000, c.size());
    c.add("late", 1, 1000, 5000);
    assertEquals(1, c.size());
  }

  @Test
  void aFloodBeyondTheCapNeverGrowsPastIt() {
    LocalWindowCounter c = new LocalWindowCounter(1000);
    for (int i = 0; i < 10_000; i++) {
      c.add("ip-" + i, 1, 60_000, 0);
      assertTrue(c.size() <= 1000);
    }
  }

  @Test
  void aFloodOfOtherKeysNeverResetsALoginCount() {
    LocalWindowCounter c = new LocalWindowCounter(1000);
    for (int i = 0; i < 19; i++) {
      c.add("login_email:20/900:victim:0", 1, 900_000, 1000);
    }
    // many addresses, each its own counter (a per-address limit, and other e-mails), far past the cap
    for (int i = 0; i < 5000; i++) {
      c.add("login:10/60:ip-" + i + ":0", 1, 60_000, 2000 + i);
      c.add("login_email:20/900:other-" + i + ":0", 1, 900_000, 2000 + i);
    }
    assertEquals(20, c.add("login_email:20/900:victim:0", 1, 900_000, 9000), "the flood did not reset the count");
    assertTrue(c.size() <= 2 * 1000, "each limit keeps at most the cap: " + c.size());
  }

  @Test
  void aFullLimitDropsWhatExpiredFirstThenTheLeastRecentlyUsed() {
    LocalWindowCounter c = new LocalWindowCounter(3);
    c.add("login:a", 1, 1000, 0);      // expires at 1000
    c.add("login:b", 1, 60_000, 0);
    c.add("login:c", 1, 60_000, 0);
    c.add("login:b", 1, 60_000, 10);    // b used again: c is now the least recently used
    c.add("login:d", 1, 60_000, 1500);  // full: a (expired) goes
    assertEquals(3, c.add("login:b", 1, 60_000, 1600));
    c.add("login:e", 1, 60_000, 1700);  // full, nothing expired: c (least recently used) goes
    assertEquals(1, c.add("login:c", 0, 60_000, 1800) + 1, "c was dropped");
    assertEquals(2, c.add("login:d", 1, 60_000, 1900), "d survived");
  }
}
