package dev.flamingo.sync.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.device.lastseen.LastSeenBuffer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LastSeenBufferTest {
  final Map<UUID, OffsetDateTime> written = new HashMap<>();
  final Map<UUID, String> ips = new HashMap<>();
  boolean failing;
  int calls;

  Future<?> write(UUID[] ids, OffsetDateTime[] seen, String[] ip) {
    calls++;
    if (failing) {
      return Future.failedFuture("database down");
    }
    for (int i = 0; i < ids.length; i++) {
      written.put(ids[i], seen[i]);
      ips.put(ids[i], ip[i]);
    }
    return Future.succeededFuture();
  }

  static final OffsetDateTime T0 = OffsetDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  @Test
  void sightingsAreCoalescedToTheNewestPerDevice() {
    LastSeenBuffer buffer = new LastSeenBuffer(this::write, 1000, 1000);
    UUID[] ids = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
    for (int i = 499; i >= 0; i--) { // out of order: the newest still wins
      buffer.record(ids[i % 3], T0.plusSeconds(i), "ip" + i);
    }
    assertTrue(buffer.flush().succeeded());
    assertEquals(1, buffer.statements());
    assertEquals(500, buffer.received());
    assertEquals(T0.plusSeconds(498), written.get(ids[0]));
    assertEquals("ip499", ips.get(ids[1]));
    assertTrue(buffer.flush().succeeded());
    assertEquals(1, buffer.statements(), "nothing pending: no statement");
  }

  @Test
  void aFailedWriteIsKeptForTheNextFlush() {
    LastSeenBuffer buffer = new LastSeenBuffer(this::write, 1000, 1000);
    UUID id = UUID.randomUUID();
    buffer.record(id, T0, "a");
    failing = true;
    assertTrue(buffer.flush().failed());
    assertEquals(1, buffer.pending());
    buffer.record(id, T0.minusSeconds(5), "older");
    failing = false;
    assertTrue(buffer.flush().succeeded());
    assertEquals(T0, written.get(id));
    assertEquals("a", ips.get(id));
  }

  @Test
  void manyDevicesGoInChunksAndBadEventsAreIgnored() {
    LastSeenBuffer buffer = new LastSeenBuffer(this::write, 10_000, 1000);
    for (int i = 0; i < 2500; i++) {
      buffer.record(UUID.randomUUID(), T0, null);
    }
    buffer.onSeen(new JsonObject().put("device_id", "nope").put("seen_at", T0.toString()));
    buffer.onSeen(new JsonObject().put("device_id", 5));
    UUID future = UUID.randomUUID();
    buffer.onSeen(new JsonObject().put("device_id", future.toString()).put("seen_at", "2999-01-01T00:00:00Z"));
    assertTrue(buffer.flush().succeeded());
    assertEquals(3, calls);
    assertEquals(2501, written.size());
    assertTrue(written.get(future).isBefore(OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(2)), "no sighting in the future");
  }
}
