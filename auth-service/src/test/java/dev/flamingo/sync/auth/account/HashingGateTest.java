package dev.flamingo.sync.auth.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gate itself: its places, its queue, and the refusal when both are taken. */
class HashingGateTest {
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aRunBeyondThePlacesAndTheQueueIsRefusedAtOnceAndAQueuedOneRunsWhenAPlaceFrees() {
    HashingGate gate = new HashingGate(vertx, 1, 1);
    CountDownLatch hold = new CountDownLatch(1);
    Future<String> first = gate.run(() -> {
      hold.await();
      return "first";
    });
    Future<String> queued = gate.run(() -> "queued");
    Future<String> refused = gate.run(() -> "refused");

    assertTrue(refused.failed(), "refused at once, not queued");
    ServiceException busy = (ServiceException) refused.cause();
    assertEquals(503, busy.status());
    assertEquals(HashingGate.BUSY, busy.getMessage());
    assertTrue(busy.retryAfterSeconds() > 0);
    assertFalse(queued.isComplete(), "waits while the only place is taken");

    hold.countDown();
    assertEquals("first", first.await());
    assertEquals("queued", queued.await());
    assertEquals("again", gate.run(() -> "again").await(), "every place is free again");
  }

  @Test
  void aFailedRunFreesItsPlace() {
    HashingGate gate = new HashingGate(vertx, 1, 0);
    Future<String> failed = gate.run(() -> {
      throw new IllegalStateException("boom");
    });
    assertEquals("boom", failed.transform(ar -> Future.succeededFuture(ar.cause().getMessage())).await());
    assertEquals("next", gate.run(() -> "next").await());
  }
}
