package dev.flamingo.sync.testing;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The loop of a micro-benchmark (not a test): N operations started from a node's event loop with K in
 * flight, timed by the wall clock. An operation that completes at once is followed by the next in a
 * loop, not by recursion; a failed operation fails the run.
 */
public final class BenchLoop {
  private final int n;
  private final IntFunction<? extends Future<?>> operation;
  private final Promise<Void> done = Promise.promise();
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();

  private BenchLoop(int n, IntFunction<? extends Future<?>> operation) {
    this.n = n;
    this.operation = operation;
  }

  /**
   * µs per operation: {@code operation} is called with 0 … n-1 on {@code node}'s context, {@code inFlight}
   * at a time; blocks (call it from a thread that is not an event loop) until all n have completed.
   */
  public static double run(Vertx node, int n, int inFlight, IntFunction<? extends Future<?>> operation) {
    BenchLoop loop = new BenchLoop(n, operation);
    long start = System.nanoTime();
    node.runOnContext(v -> {
      for (int i = 0; i < inFlight; i++) {
        loop.next();
      }
    });
    loop.done.future().await();
    return (System.nanoTime() - start) / 1000.0 / n;
  }

  private void next() {
    while (true) {
      int i = issued.getAndIncrement();
      if (i >= n) {
        return;
      }
      Future<?> op = operation.apply(i);
      if (!op.isComplete()) {
        op.onComplete(ar -> {
          if (finish(ar)) {
            next();
          }
        });
        return;
      }
      if (!finish(op)) {
        return;
      }
    }
  }

  /** Counts a completed operation; whether to go on. */
  private boolean finish(AsyncResult<?> result) {
    if (result.failed()) {
      done.tryFail(result.cause());
      return false;
    }
    if (finished.incrementAndGet() == n) {
      done.tryComplete();
      return false;
    }
    return !done.future().isComplete();
  }
}
