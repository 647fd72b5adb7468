package dev.flamingo.sync.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.device.audit.AuditBuffer;
import dev.flamingo.sync.device.audit.AuditEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The audit retry buffer with a writer that fails on demand (a database outage). */
class AuditBufferTest {
  final List<List<AuditEvent>> writes = new ArrayList<>();
  final List<AuditEvent> stored = new ArrayList<>();
  boolean databaseDown;

  Future<?> write(List<AuditEvent> batch) {
    writes.add(List.copyOf(batch));
    if (databaseDown) {
      return Future.failedFuture(new IllegalStateException("connection refused"));
    }
    stored.addAll(batch);
    return Future.succeededFuture();
  }

  static AuditEvent event(int seq) {
    return new AuditEvent(UUID.randomUUID(), "test", 1L, null, "10.0.0.1", null,
        new JsonObject().put("seq", seq), OffsetDateTime.now(ZoneOffset.UTC));
  }

  static List<Integer> seqs(List<AuditEvent> events) {
    return events.stream().map(e -> e.metadata().getInteger("seq")).toList();
  }

  @Test
  void aFullBatchIsWrittenAtOnceTheRestOnDrain() {
    AuditBuffer buffer = new AuditBuffer(100, 10, this::write);
    for (int i = 0; i < 25; i++) {
      buffer.add(event(i));
    }
    assertEquals(2, writes.size(), "two full batches went out by themselves");
    assertEquals(5, buffer.size());
    assertTrue(buffer.drain().succeeded());
    assertEquals(3, writes.size());
    assertEquals(25, buffer.written());
    assertEquals(0, buffer.size());
    assertEquals(IntStream.range(0, 25).boxed().toList(), seqs(stored), "in order");
  }

  @Test
  void eventsSurviveAnOutageAndAreWrittenLater() {
    AuditBuffer buffer = new AuditBuffer(100, 10, this::write);
    databaseDown = true;
    for (int i = 0; i < 35; i++) {
      buffer.add(event(i));
    }
    assertEquals(1, writes.size(), "after a failure no more writes until the next flush");
    assertTrue(buffer.drain().failed());
    assertEquals(35, buffer.size(), "nothing lost");
    assertEquals(0, buffer.written());
    assertEquals(2, buffer.failedWrites());

    databaseDown = false;
    assertTrue(buffer.drain().succeeded());
    assertEquals(0, buffer.size());
    assertEquals(35, buffer.written());
    assertEquals(IntStream.range(0, 35).boxed().toList(), seqs(stored));
    assertEquals(0, buffer.dropped());
  }

  @Test
  void whenFullNewEventsAreDroppedAndCounted() {
    AuditBuffer buffer = new AuditBuffer(20, 10, this::write);
    databaseDown = true;
    int accepted = 0;
    for (int i = 0; i < 50; i++) {
      if (buffer.add(event(i))) {
        accepted++;
      }
    }
    assertEquals(20, accepted);
    assertEquals(20, buffer.size());
    assertEquals(30, buffer.dropped());
    assertFalse(buffer.add(event(99)));
    assertEquals(31, buffer.dropped());

    databaseDown = false;
    assertTrue(buffer.drain().succeeded());
    assertEquals(IntStream.range(0, 20).boxed().toList(), seqs(stored), "the oldest were kept");
  }

  @Test
  void oneWriteAtATimeAndEventsArrivingMeanwhileAreKept() {
    List<Promise<Void>> pending = new ArrayList<>();
    AuditBuffer buffer = new AuditBuffer(100, 5, batch -> {
      writes.add(List.copyOf(batch));
      Promise<Void> p = Promise.promise();
      pending.add(p);
      return p.future().onSuccess(v -> stored.addAll(batch));
    });
    for (int i = 0; i < 12; i++) {
      buffer.add(event(i));
    }
    assertEquals(1, writes.size(), "a second write waits for the first");
    Future<Void> drained = buffer.drain();
    pending.get(0).fail("timeout");
    assertTrue(drained.failed());
    assertEquals(12, buffer.size());

    Future<Void> retry = buffer.drain();
    assertEquals(2, writes.size());
    assertEquals(seqs(writes.get(0)), seqs(writes.get(1)), "the failed batch is retried first");
    pending.get(1).complete();
    pending.get(2).complete();
    pending.get(3).complete();
    assertTrue(retry.succeeded());
    assertEquals(IntStream.range(0, 12).boxed().toList(), seqs(stored));
  }
}
