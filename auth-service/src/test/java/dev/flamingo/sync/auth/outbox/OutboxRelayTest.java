package dev.flamingo.sync.auth.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.outbox.Outbox;
import dev.flamingo.sync.common.outbox.OutboxRelay;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The outbox relay against auth's real outbox table and a real event bus: retries, acknowledgement, order. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxRelayTest {
  private static final OutboxRelay.Settings FAST = new OutboxRelay.Settings(20, 20, 200, 3, 2000);

  private TestDatabase db;
  private Vertx vertx;
  private Pool pool;
  private final Outbox outbox = new Outbox();
  private final List<OutboxRelay> relays = new ArrayList<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  @BeforeAll
  void start() {
    db = TestDatabase.create();
    Settings settings = new Settings(new JsonObject().put(Settings.DB_URL, db.url()));
    Database.migrate(settings, "auth");
    vertx = Vertx.vertx();
    pool = Database.pool(vertx, settings, "auth");
  }

  @AfterEach
  void stopRelays() {
    relays.forEach(r -> r.stop().await());
    relays.clear();
    consumers.forEach(c -> c.unregister().await());
    consumers.clear();
    pool.query("delete from outbox").execute().await();
  }

  @AfterAll
  void stop() {
    pool.close().await();
    vertx.close().await();
    db.close();
  }

  @Test
  void aFailingConsumerIsRetriedAndEachEventIsDeliveredOnceAcknowledged() {
    String address = "test.outbox." + UUID.randomUUID();
    List<Integer> acked = new CopyOnWriteArrayList<>();
    AtomicInteger attempts = new AtomicInteger();
    consume(address, m -> {
      if (attempts.incrementAndGet() <= 3) {
        m.fail(503, "not now");
        return;
      }
      acked.add(m.body().getJsonObject("payload").getInteger("n"));
      m.reply(new JsonObject());
    });
    List<UUID> ids = add(5);
    relay(address);

    waitUntil(() -> acked.size() >= 5 && outboxSize() == 0);
    assertEquals(List.of(0, 1, 2, 3, 4), acked, "each event once, in order");
    assertEquals(8, attempts.get(), "three refusals of the first event, then one delivery each");
    assertEquals(0, outboxSize());
    assertTrue(ids.stream().distinct().count() == 5);
  }

  @Test
  void eventsWaitWhileNobodyListensAndGoOutOnceSomeoneDoes() throws InterruptedException {
    String address = "test.outbox." + UUID.randomUUID();
    add(3);
    relay(address);
    Thread.sleep(500); // several passes with no consumer: NO_HANDLERS each time
    assertEquals(3, outboxSize(), "nothing is dropped while undeliverable");

    List<Integer> acked = new CopyOnWriteArrayList<>();
    consume(address, m -> {
      acked.add(m.body().getJsonObject("payload").getInteger("n"));
      m.reply(new JsonObject());
    });
    waitUntil(() -> outboxSize() == 0);
    assertEquals(List.of(0, 1, 2), acked);
  }

  @Test
  void twoRelaysOfOneServiceDeliverEveryEventOnceInOrder() {
    String address = "test.outbox." + UUID.randomUUID();
    Map<Integer, Integer> times = new ConcurrentHashMap<>();
    List<Integer> order = new CopyOnWriteArrayList<>();
    consume(address, m -> {
      int n = m.body().getJsonObject("payload").getInteger("n");
      order.add(n);
      times.merge(n, 1, Integer::sum);
      vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(3), t -> m.reply(new JsonObject()));
    });
    add(60);
    relay(address);
    relay(address);
    waitUntil(() -> outboxSize() == 0);
    assertEquals(IntStream.range(0, 60).boxed().toList(), order);
    times.forEach((n, k) -> assertEquals(1, k, "event " + n));
  }

  private void consume(String address, io.vertx.core.Handler<io.vertx.core.eventbus.Message<JsonObject>> handler) {
    MessageConsumer<JsonObject> c = vertx.eventBus().consumer(address, handler);
    c.completion().await();
    consumers.add(c);
  }

  private List<UUID> add(int n) {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonObject payload = new JsonObject().put("n", i);
      outbox.add(pool, "test.topic", payload).await();
      ids.add(UUID.fromString(payload.getString("event_id")));
    }
    return ids;
  }

  private void relay(String address) {
    OutboxRelay relay = new OutboxRelay(vertx, pool, outbox.store(), address, FAST);
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> relay.start());
    relays.add(relay);
  }

  private long outboxSize() {
    return outbox.store().pending(pool).await();
  }

  private static void waitUntil(BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
