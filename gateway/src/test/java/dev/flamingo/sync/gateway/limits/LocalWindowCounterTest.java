package dev.flamingo.sync.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
