package dev.flamingo.sync.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An unreachable shared store must not take the limited routes down: the count goes on locally. */
class FailOpenCounterTest {
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aFailingSharedStoreFallsBackToTheLocalCount() {
    WindowCounter broken = (key, delta, ttl) -> Future.failedFuture(new IllegalStateException("member gone"));
    FailOpenCounter counter = new FailOpenCounter(broken, new LocalWindowCounter(100), 500);
    assertEquals(1L, counter.add("k", 1, 60_000).await());
    assertEquals(2L, counter.add("k", 1, 60_000).await());
  }

  @Test
  void aSharedStoreThatNeverAnswersFallsBackAfterTheTimeout() {
    WindowCounter silent = (key, delta, ttl) -> ((ContextInternal) vertx.getOrCreateContext()).<Long>promise().future();
    FailOpenCounter counter = new FailOpenCounter(silent, new LocalWindowCounter(100), 200);
    assertEquals(1L, counter.add("k", 1, 60_000).await());
  }

  @Test
  void aSharedStoreThatAnswersAgainIsUsedAgain() {
    boolean[] up = {false};
    WindowCounter flaky = (key, delta, ttl) -> up[0] ? Future.succeededFuture(42L)
        : Future.failedFuture(new IllegalStateException("down"));
    FailOpenCounter counter = new FailOpenCounter(flaky, new LocalWindowCounter(100), 500);
    assertEquals(1L, counter.add("k", 1, 60_000).await());
    up[0] = true;
    assertEquals(42L, counter.add("k", 1, 60_000).await());
  }
}
