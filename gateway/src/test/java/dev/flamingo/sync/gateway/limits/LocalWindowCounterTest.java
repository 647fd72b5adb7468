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
}
