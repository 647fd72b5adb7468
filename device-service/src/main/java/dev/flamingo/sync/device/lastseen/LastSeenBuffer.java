package dev.flamingo.sync.device.lastseen;

import dev.flamingo.sync.device.support.BusFields;
import dev.flamingo.sync.device.support.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces {@code EVENT_DEVICE_SEEN} in memory (newest sighting per device) and writes them with one
 * multi-row UPDATE per flush (per {@code chunk} devices). A failed write puts its sightings back for the
 * next flush. Not thread-safe: used on the verticle's context; the counters may be read anywhere.
 */
public final class LastSeenBuffer {
  private static final Logger LOG = LoggerFactory.getLogger(LastSeenBuffer.class);
  /** A gateway's clock may be a little ahead; a sighting is never recorded in the future beyond this. */
  private static final long MAX_SKEW_SECONDS = 60;

  /** One UPDATE over parallel arrays; resolves when executed. */
  @FunctionalInterface
  public interface Writer {
    Future<?> write(UUID[] ids, OffsetDateTime[] seen, String[] ips);
  }

  record Seen(OffsetDateTime at, String ip) {}

  private final Writer writer;
  private final int maxPending;
  private final int chunk;
  private Map<UUID, Seen> pending = new HashMap<>();
  private Future<Void> inFlight;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  public LastSeenBuffer(Writer writer, int maxPending, int chunk) {
    this.writer = writer;
    this.maxPending = maxPending;
    this.chunk = chunk;
  }

  /** {device_id, account_id, ip, seen_at}; an event without a valid device_id is ignored. */
  public void onSeen(JsonObject event) {
    UUID id = BusFields.eventUuid(event, "device_id");
    if (id == null) {
      return;
    }
    OffsetDateTime now = Times.now();
    OffsetDateTime at = BusFields.eventTime(event, "seen_at");
    if (at == null || at.isAfter(now.plusSeconds(MAX_SKEW_SECONDS))) {
      at = now;
    }
    record(id, at, BusFields.eventString(event, "ip", 64));
  }

  public void record(UUID id, OffsetDateTime at, String ip) {
    received.incrementAndGet();
    merge(pending, id, new Seen(at, ip));
  }

  private void merge(Map<UUID, Seen> into, UUID id, Seen seen) {
    Seen old = into.get(id);
    if (old == null) {
      if (into.size() >= maxPending) {
        dropped.incrementAndGet();
        return;
      }
      into.put(id, seen);
    } else if (seen.at().isAfter(old.at())) {
      into.put(id, seen);
    }
  }

  /** Writes every pending sighting (after the write in flight, if any). */
  public Future<Void> flush() {
    if (inFlight != null) {
      return inFlight.transform(ar -> flush());
    }
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<UUID, Seen> batch = pending;
    pending = new HashMap<>();
    List<Map.Entry<UUID, Seen>> entries = new ArrayList<>(batch.entrySet());
    Future<Void> result = writeFrom(entries, 0);
    inFlight = result;
    result.onComplete(ar -> inFlight = null);
    return result;
  }

  private Future<Void> writeFrom(List<Map.Entry<UUID, Seen>> entries, int from) {
    if (from >= entries.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(entries.size(), from + chunk);
    int n = to - from;
    UUID[] ids = new UUID[n];
    OffsetDateTime[] seen = new OffsetDateTime[n];
    String[] ips = new String[n];
    for (int i = 0; i < n; i++) {
      Map.Entry<UUID, Seen> e = entries.get(from + i);
      ids[i] = e.getKey();
      seen[i] = e.getValue().at();
      ips[i] = e.getValue().ip();
    }
    statements.incrementAndGet();
    Future<?> write;
    try {
      write = writer.write(ids, seen, ips);
    } catch (RuntimeException e) {
      write = Future.failedFuture(e);
    }
    return write.transform(ar -> {
      if (ar.failed()) {
        for (int i = from; i < entries.size(); i++) {
          merge(pending, entries.get(i).getKey(), entries.get(i).getValue());
        }
        LOG.warn("Could not write last-seen of {} devices ({}); kept for the next flush", entries.size() - from,
            ar.cause().toString());
        return Future.failedFuture(ar.cause());
      }
      return writeFrom(entries, to);
    });
  }

  /** Sightings received. */
  public long received() {
    return received.get();
  }

  /** UPDATE statements executed by flushes. */
  public long statements() {
    return statements.get();
  }

  /** Sightings dropped because too many devices were waiting for a write. */
  public long dropped() {
    return dropped.get();
  }

  public int pending() {
    return pending.size();
  }
}
