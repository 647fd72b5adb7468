package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Requests per minute for the admin's figures: this gateway instance counts its requests in six 10-second
 * buckets, publishes its last minute every 10 s ({@link Addresses#EVENT_GATEWAY_LOAD}) and keeps what the
 * others published, so that any gateway answers for all of them. A count costs one atomic add.
 */
public final class RequestRate implements Handler<RoutingContext> {
  static final long BUCKET_MS = 10_000;
  static final int BUCKETS = 6;
  /** A gateway not heard from for this long is left out (it stopped). */
  static final long STALE_MS = 3 * BUCKET_MS;

  private final Vertx vertx;
  private final String node = UUID.randomUUID().toString();
  private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
  private final long[] bucketStart = new long[BUCKETS];
  private final Map<String, long[]> others = new ConcurrentHashMap<>();
  private MessageConsumer<JsonObject> consumer;
  private long timer = -1;

  public RequestRate(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.EVENT_GATEWAY_LOAD, m -> {
      JsonObject b = m.body();
      String from = b.getString("node");
      if (from != null && !from.equals(node)) {
        others.put(from, new long[] {b.getLong("requests_per_minute", 0L), System.currentTimeMillis()});
      }
    });
    timer = vertx.setPeriodic(BUCKET_MS, id -> vertx.eventBus().publish(Addresses.EVENT_GATEWAY_LOAD, new JsonObject()
        .put("node", node).put("requests_per_minute", lastMinute(System.currentTimeMillis()))
        .put("at", System.currentTimeMillis())));
    return consumer.completion();
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (consumer != null) {
      consumer.unregister();
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    count(System.currentTimeMillis());
    ctx.next();
  }

  void count(long now) {
    long start = now - now % BUCKET_MS;
    int i = (int) ((now / BUCKET_MS) % BUCKETS);
    synchronized (bucketStart) {
      if (bucketStart[i] != start) {
        bucketStart[i] = start;
        buckets.set(i, 0);
      }
    }
    buckets.incrementAndGet(i);
  }

  /** This instance's requests in the 60 s before {@code now}. */
  long lastMinute(long now) {
    long total = 0;
    synchronized (bucketStart) {
      for (int i = 0; i < BUCKETS; i++) {
        if (now - bucketStart[i] < BUCKETS * BUCKET_MS) {
          total += buckets.get(i);
        }
      }
    }
    return total;
  }

  /** Every gateway's requests in the last minute: this one's now, the others' as they last published. */
  public long clusterLastMinute() {
    long now = System.currentTimeMillis();
    long total = lastMinute(now);
    for (var e : others.entrySet()) {
      if (now - e.getValue()[1] <= STALE_MS) {
        total += e.getValue()[0];
      } else {
        others.remove(e.getKey());
      }
    }
    return total;
  }
}
