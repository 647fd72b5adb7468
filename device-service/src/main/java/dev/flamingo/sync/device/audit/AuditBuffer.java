package dev.flamingo.sync.device.audit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit events waiting to be written, in arrival order, written in batches by {@code writer}.
 *
 * <p>A batch is removed only once its write succeeded, so events survive a database outage and go out
 * on a later flush. The buffer is bounded: when it holds {@code max} events an arriving event is dropped
 * and counted (with a warning at most every 10 s). One write at a time. Not thread-safe: used on one
 * Vert.x context (the verticle's).
 */
public final class AuditBuffer {
  private static final Logger LOG = LoggerFactory.getLogger(AuditBuffer.class);
  private static final long WARN_EVERY_MS = 10_000;

  private final int max;
  private final int batchSize;
  private final Function<List<AuditEvent>, Future<?>> writer;
  private final Deque<AuditEvent> events = new ArrayDeque<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failedWrites = new AtomicLong();
  private Future<Void> inFlight;
  /** The last write failed: wait for the next timed flush instead of hammering the database. */
  private boolean failing;
  private long lastDropWarning;
  private long lastFailureWarning;

  public AuditBuffer(int max, int batchSize, Function<List<AuditEvent>, Future<?>> writer) {
    if (max < 1 || batchSize < 1) {
      throw new IllegalArgumentException("max and batchSize must be positive");
    }
    this.max = max;
    this.batchSize = batchSize;
    this.writer = writer;
  }

  /** Buffers an event; a full batch starts a write. Returns false when the buffer was full and it was dropped. */
  public boolean add(AuditEvent event) {
    if (events.size() >= max) {
      long n = dropped.incrementAndGet();
      long now = System.currentTimeMillis();
      if (n == 1 || now - lastDropWarning >= WARN_EVERY_MS) {
        lastDropWarning = now;
        LOG.warn("Audit buffer full ({} events waiting for the database): {} audit events dropped so far", max, n);
      }
      return false;
    }
    events.addLast(event);
    if (events.size() >= batchSize && inFlight == null && !failing) {
      flushBatch();
    }
    return true;
  }

  /** Writes everything buffered, batch after batch, until empty or a write fails (which fails the result). */
  public Future<Void> drain() {
    if (inFlight != null) {
      return inFlight.transform(ar -> ar.succeeded() ? drain() : Future.failedFuture(ar.cause()));
    }
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    return flushBatch().compose(v -> drain());
  }

  /** Writes one batch (the oldest events); the in-flight write if there is one. */
  public Future<Void> flushBatch() {
    if (inFlight != null) {
      return inFlight;
    }
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    List<AuditEvent> batch = new ArrayList<>(Math.min(batchSize, events.size()));
    Iterator<AuditEvent> it = events.iterator();
    while (batch.size() < batchSize && it.hasNext()) {
      batch.add(it.next());
    }
    Promise<Void> done = Promise.promise();
    Future<Void> result = done.future();
    inFlight = result;
    Future<?> write;
    try {
      write = writer.apply(batch);
    } catch (RuntimeException e) {
      write = Future.failedFuture(e);
    }
    write.onComplete(ar -> {
      inFlight = null;
      if (ar.succeeded()) {
        // only adds happened meanwhile (at the tail): the batch is still the head
        for (int i = 0; i < batch.size(); i++) {
          events.pollFirst();
        }
        written.addAndGet(batch.size());
        if (failing) {
          failing = false;
          LOG.info("Audit log writes recovered; {} events still buffered", events.size());
        }
        done.complete();
      } else {
        failing = true;
        failedWrites.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastFailureWarning >= WARN_EVERY_MS) {
          lastFailureWarning = now;
          LOG.warn("Could not write {} audit events ({}); {} kept for a retry", batch.size(), ar.cause().toString(),
              events.size());
        }
        done.fail(ar.cause());
      }
    });
    return result;
  }

  public int size() {
    return events.size();
  }

  /** Events dropped because the buffer was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Events written. */
  public long written() {
    return written.get();
  }

  /** Writes that failed. */
  public long failedWrites() {
    return failedWrites.get();
  }
}
