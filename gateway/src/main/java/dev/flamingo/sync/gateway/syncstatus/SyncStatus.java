package dev.flamingo.sync.gateway.syncstatus;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.Envelope;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Each device's sync status as this gateway sees it: per data type, the last successful upload (PUT 2xx) and
 * download (GET 200/304, or a type in a list), and the last refused request (its status and error text). Kept
 * in memory, coalesced (newest of each), and sent to device-service by {@link #flush} on the gateway's cadence
 * and on stop ({@link Addresses#EVENT_DEVICE_SYNC}): the hot path pays a map update, never a message or a write.
 * What a gateway that dies has not sent yet is lost (one flush interval). Not thread-safe: one per verticle
 * instance, used on its event loop.
 */
public final class SyncStatus {
  /** Devices × types waiting for a flush; beyond it, new entries are dropped until the next flush. */
  static final int MAX_PENDING = 100_000;
  /** Entries in one message. */
  static final int CHUNK = 500;
  static final int MESSAGE_MAX = 200;

  private record Key(String deviceId, long accountId, DataType type) {}

  private static final class Entry {
    long uploadAt;
    long downloadAt;
    long refusedAt;
    int refusedStatus;
    String refusedMessage;
  }

  private final Vertx vertx;
  private Map<Key, Entry> pending = new HashMap<>();
  private long dropped;

  public SyncStatus(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * A handler for a blob route of one type ({@code :type}), after the Bearer check: records the answer's outcome
   * when the response has been written.
   */
  public void track(RoutingContext ctx) {
    RequestContext context = Contexts.get(ctx);
    Optional<DataType> type = DataType.of(ctx.pathParam("type"));
    if (context != null && context.deviceId() != null && context.accountId() != null && type.isPresent()) {
      ctx.addBodyEndHandler(v -> answered(ctx, context, type.get()));
    }
    ctx.next();
  }

  /** A successful list's reply ({@code {data: {items: [{data_type, …}]}}}): a download of each type in it. */
  public void listed(RoutingContext ctx, JsonObject reply) {
    RequestContext context = Contexts.get(ctx);
    JsonObject data = reply.getValue("data") instanceof JsonObject d ? d : null;
    if (context == null || context.deviceId() == null || context.accountId() == null || data == null
        || !(data.getValue("items") instanceof JsonArray items)) {
      return;
    }
    long now = System.currentTimeMillis();
    for (Object item : items) {
      if (item instanceof JsonObject i) {
        DataType.of(i.getValue("data_type")).ifPresent(t -> {
          Entry e = entry(context, t);
          if (e != null) {
            e.downloadAt = now;
          }
        });
      }
    }
  }

  private void answered(RoutingContext ctx, RequestContext context, DataType type) {
    int status = ctx.response().getStatusCode();
    boolean put = ctx.request().method() == HttpMethod.PUT;
    if (status == 401 || status == 404 && !put) {
      return; // not this device's (a bad token), or no data yet: nothing to report
    }
    Entry e = entry(context, type);
    if (e == null) {
      return;
    }
    long now = System.currentTimeMillis();
    if (status >= 400) {
      e.refusedAt = now;
      e.refusedStatus = status;
      String error = ctx.get(Envelope.ERROR);
      e.refusedMessage = error == null || error.length() <= MESSAGE_MAX ? error : error.substring(0, MESSAGE_MAX);
    } else if (put && status < 300) {
      e.uploadAt = now;
    } else if (!put && (status == 200 || status == 304)) {
      e.downloadAt = now;
    }
  }

  private Entry entry(RequestContext context, DataType type) {
    Key key = new Key(context.deviceId(), context.accountId(), type);
    Entry e = pending.get(key);
    if (e == null) {
      if (pending.size() >= MAX_PENDING) {
        dropped++;
        return null;
      }
      e = new Entry();
      pending.put(key, e);
    }
    return e;
  }

  /** Sends what was recorded since the last flush (in messages of {@link #CHUNK} entries) and forgets it. */
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    Map<Key, Entry> batch = pending;
    pending = new HashMap<>();
    JsonArray chunk = new JsonArray();
    for (Map.Entry<Key, Entry> item : batch.entrySet()) {
      chunk.add(json(item.getKey(), item.getValue()));
      if (chunk.size() == CHUNK) {
        send(chunk);
        chunk = new JsonArray();
      }
    }
    if (!chunk.isEmpty()) {
      send(chunk);
    }
  }

  private void send(JsonArray entries) {
    vertx.eventBus().send(Addresses.EVENT_DEVICE_SYNC, new JsonObject().put("entries", entries));
  }

  private static JsonObject json(Key key, Entry e) {
    JsonObject json = new JsonObject()
        .put("device_id", key.deviceId())
        .put("account_id", key.accountId())
        .put("type", key.type().wireName());
    putTime(json, "upload_at", e.uploadAt);
    putTime(json, "download_at", e.downloadAt);
    if (e.refusedAt > 0) {
      putTime(json, "refused_at", e.refusedAt);
      json.put("refused_status", e.refusedStatus).put("refused_message", e.refusedMessage);
    }
    return json;
  }

  private static void putTime(JsonObject json, String name, long millis) {
    if (millis > 0) {
      json.put(name, Instant.ofEpochMilli(millis).toString());
    }
  }

  /** Devices × types waiting for the next flush. */
  public int pending() {
    return pending.size();
  }

  /** Entries dropped because too many were waiting. */
  public long dropped() {
    return dropped;
  }
}
