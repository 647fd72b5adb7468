package dev.flamingo.sync.common.outbox;

import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.outbox.OutboxStore.Pending;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a service's outbox, oldest first, to a point-to-point address with {@code request}: a row is
 * deleted only once the receiver acknowledged it (the receiver replies after storing it). A failed
 * delivery stops the pass (later events wait, so they keep their order) and the relay backs off, doubling
 * its pause up to {@code maxBackoffMs}. At least once: a delivery acknowledged just before a crash may be
 * repeated, so receivers de-duplicate by {@code event_id}.
 *
 * <p>One relay per service instance; each pass is one transaction holding the service's relay lock (see
 * {@link OutboxStore#tryRelayLock}) with the rows selected {@code FOR UPDATE SKIP LOCKED}, so instances never
 * deliver the same rows at once. Message: {event_id, topic, payload}.
 */
public final class OutboxRelay {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final long WARN_EVERY_MS = 30_000;

  private final Vertx vertx;
  private final Pool pool;
  private final OutboxStore store;
  private final String address;
  private final Settings settings;
  private Context context;
  private long timer = -1;
  /** A kick came during a pass: run another right after it. */
  private boolean again;
  private boolean stopped;
  private Future<Pass> running;
  private int failures;
  private long lastWarning;

  /** Pass timing: pause between idle passes, the first and the largest back-off, batch size, reply timeout. */
  public record Settings(long intervalMs, long minBackoffMs, long maxBackoffMs, int batch, long timeoutMs) {
    public static Settings defaults() {
      return new Settings(1000, 250, 10_000, 100, 10_000);
    }
  }

  /** What one pass did: events delivered, whether a delivery failed, whether more may be waiting. */
  public record Pass(int delivered, boolean failed, boolean more) {}

  public OutboxRelay(Vertx vertx, Pool pool, OutboxStore store, String address, Settings settings) {
    this.vertx = vertx;
    this.pool = dev.flamingo.sync.common.db.DbStatements.uncounted(pool); // its polling is no request's work
    this.store = store;
    this.address = address;
    this.settings = settings;
  }

  /** Starts relaying (call it on the owning verticle's context: the timers run there). */
  /**
   * The usual wiring for a service: a relay of {@code outbox} to device-service's deliver address with
   * the default settings, started, and kicked whenever the outbox commits events.
   */
  public static OutboxRelay startFor(Vertx vertx, Pool pool, Outbox outbox) {
    OutboxRelay relay = new OutboxRelay(vertx, pool, outbox.store(),
        dev.flamingo.sync.common.bus.Addresses.DEVICE_EVENTS_DELIVER, Settings.defaults()).start();
    outbox.onCommitted(relay::kick);
    return relay;
  }

  public OutboxRelay start() {
    context = vertx.getOrCreateContext();
    schedule(0);
    return this;
  }

  /**
   * New events were committed: deliver them now rather than at the next idle pass (any thread). Ignored
   * while backing off after a failure, so a busy producer never hammers an absent receiver.
   */
  public void kick() {
    Context c = context;
    if (c != null) {
      c.runOnContext(v -> kickHere());
    }
  }

  private void kickHere() {
    if (stopped || failures > 0) {
      return;
    }
    if (running != null) {
      again = true;
    } else if (timer >= 0) {
      vertx.cancelTimer(timer);
      schedule(0);
    }
  }

  /** Stops after the pass in flight, if any. */
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return running == null ? Future.succeededFuture() : running.<Void>mapEmpty().otherwiseEmpty();
  }

  /** Runs one pass now (or joins the one running). */
  public Future<Pass> runOnce() {
    if (running != null) {
      return running;
    }
    Future<Pass> pass = pool.withTransaction(tx -> store.tryRelayLock(tx).compose(locked -> locked
        ? store.oldest(tx, settings.batch()).compose(rows -> deliverAll(tx, rows))
        : Future.succeededFuture(new Pass(0, false, false))));
    running = pass;
    return pass.onComplete(ar -> running = null);
  }

  private Future<Pass> deliverAll(SqlClient tx, List<Pending> rows) {
    List<Long> acked = new ArrayList<>(rows.size());
    return deliverFrom(rows, 0, acked)
        .compose(failed -> store.delete(tx, acked)
            .map(v -> new Pass(acked.size(), failed, !failed && rows.size() == settings.batch())));
  }

  /** Delivers rows[i..] one after the other; true when one failed (the rest wait for the next pass). */
  private Future<Boolean> deliverFrom(List<Pending> rows, int i, List<Long> acked) {
    if (i == rows.size()) {
      return Future.succeededFuture(false);
    }
    Pending p = rows.get(i);
    JsonObject message = new JsonObject().put("event_id", p.eventId().toString()).put("topic", p.topic())
        .put("payload", p.payload());
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(settings.timeoutMs())
        .addHeader(RequestContext.H_CONTRACT, RequestContext.CONTRACT_VERSION);
    return vertx.eventBus().request(address, message, options).transform(ar -> {
      if (ar.failed()) {
        warn("Could not deliver outbox event " + p.eventId() + " (" + p.topic() + ") to " + address + ": "
            + ar.cause().getMessage() + "; will retry");
        return Future.succeededFuture(true);
      }
      acked.add(p.id());
      return deliverFrom(rows, i + 1, acked);
    });
  }

  private void schedule(long delayMs) {
    if (stopped) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, delayMs), id -> {
      timer = -1;
      runOnce().onComplete(ar -> {
        if (ar.failed()) {
          warn("Outbox relay pass failed: " + ar.cause().getMessage());
        }
        boolean failed = ar.failed() || ar.result().failed();
        if (failed) {
          failures++;
          schedule(Math.min(settings.maxBackoffMs(), settings.minBackoffMs() << Math.min(failures - 1, 20)));
        } else {
          if (failures > 0) {
            LOG.info("Outbox relay to {} recovered", address);
          }
          failures = 0;
          boolean now = ar.result().more() || again;
          again = false;
          schedule(now ? 0 : settings.intervalMs());
        }
      });
    });
  }

  private void warn(String message) {
    long now = System.currentTimeMillis();
    if (now - lastWarning >= WARN_EVERY_MS) {
      lastWarning = now;
      LOG.warn(message);
    } else {
      LOG.debug(message);
    }
  }
}
