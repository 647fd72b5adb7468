package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.b64;
import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static dev.flamingo.sync.data.DataFixture.seal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.data.support.Events;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Audit events on key set/rotate and config change, change notices on blob writes; no secrets in them. */
class EventsTest {
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass();
  static final List<JsonObject> audit = new CopyOnWriteArrayList<>();
  static final List<JsonObject> changes = new CopyOnWriteArrayList<>();

  /** Listens like device-service does, after the fixture started. */
  @BeforeAll
  static void listen() {
    // audit events come through the outbox relay, acknowledged like device-service does
    MessageConsumer<JsonObject> a = f.vertx.eventBus().consumer(Addresses.DEVICE_EVENTS_DELIVER, m -> {
      if (Addresses.EVENT_AUDIT.equals(m.body().getString("topic"))) {
        audit.add(m.body().getJsonObject("payload"));
      }
      m.reply(new JsonObject());
    });
    MessageConsumer<JsonObject> c = f.vertx.eventBus().consumer(Events.DATA_CHANGED, m -> changes.add(m.body()));
    a.completion().await();
    c.completion().await();
  }

  /** How long nothing more may arrive after the expected count, before the events are judged. */
  static final long SETTLE_MS = 750;

  /**
   * The account's events once {@code expected} have arrived (bounded wait) AND a settle period has passed
   * with no further one, so that an extra (duplicate, late, refused-request) event is seen by the caller,
   * which asserts the exact list.
   */
  static List<JsonObject> of(List<JsonObject> events, long account, int expected) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (mine(events, account).size() < expected && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    int seen = mine(events, account).size();
    long quietSince = System.currentTimeMillis();
    while (System.currentTimeMillis() - quietSince < SETTLE_MS) {
      Thread.sleep(50);
      int now = mine(events, account).size();
      if (now != seen) {
        seen = now;
        quietSince = System.currentTimeMillis();
      }
    }
    return mine(events, account);
  }

  static List<JsonObject> mine(List<JsonObject> events, long account) {
    return events.stream().filter(e -> e.getLong("account_id") == account).toList();
  }

  @Test
  void keyAndConfigChangesAreAuditedWithoutSecrets() throws Exception {
    long account = DataFixture.newAccount();
    byte[] first = randomBytes(32);
    byte[] second = randomBytes(32);
    f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(first)));
    f.call(Addresses.DATA_BLOB_PUT, account, seal(first, "[]").body("history"));
    f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(second)).put("if_match", "\"1\""));
    f.call(Addresses.DATA_CONFIG_PUT, account, new JsonObject().put("sync_history", false));
    // refused requests are not audited
    f.fail(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(randomBytes(32))));

    List<JsonObject> mine = of(audit, account, 3);
    assertEquals(3, mine.size(), "exactly three, none for the refused request: " + mine);
    assertEquals(List.of("key.set", "key.rotated", "config.changed"),
        mine.stream().map(e -> e.getString("event_type")).toList());
    for (JsonObject e : mine) {
      assertEquals("d1", e.getString("device_id"));
      assertEquals("127.0.0.1", e.getString("ip"));
      assertEquals("test", e.getString("user_agent"));
      Instant.parse(e.getString("created_at"));
      String text = e.encode();
      assertFalse(text.contains(b64(first)) || text.contains(b64(second)), text);
    }
    assertEquals(1, mine.get(0).getJsonObject("metadata").getInteger("version"));
    assertEquals(2, mine.get(1).getJsonObject("metadata").getInteger("version"));
    assertEquals(1, mine.get(1).getJsonObject("metadata").getInteger("blobs_dropped"));
    assertEquals(false, mine.get(2).getJsonObject("metadata").getBoolean("sync_history"));
  }

  /** The blob hot path publishes no audit event, so it writes no outbox row (the outbox id sequence stays put). */
  @Test
  void blobReadsAndWritesWriteNoOutboxRows() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(key)));
    String before = outboxSequence();
    f.call(Addresses.DATA_BLOB_PUT, account, seal(key, "[]").body("history"));
    f.call(Addresses.DATA_BLOB_PUT, account, seal(key, "{}").body("setting"));
    f.call(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "history"));
    f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject());
    f.call(Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", "setting"));
    assertEquals(before, outboxSequence());
  }

  private static String outboxSequence() throws Exception {
    try (var c = f.db.connect(); var s = c.createStatement();
         var rs = s.executeQuery("select last_value, is_called from data.outbox_id_seq")) {
      rs.next();
      return rs.getLong(1) + "/" + rs.getBoolean(2);
    }
  }

  @Test
  void blobWritesDeletesAndDropsAreAnnounced() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(key)));
    long v1 = f.call(Addresses.DATA_BLOB_PUT, account, seal(key, "[]").body("history"))
        .getJsonObject("data").getLong("version");
    long v2 = f.call(Addresses.DATA_BLOB_PUT, account, seal(key, "{}").body("setting"))
        .getJsonObject("data").getLong("version");
    f.call(Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", "history"));
    f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(randomBytes(32)))
        .put("expected_version", 1));
    f.fail(Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", "history"));

    List<JsonObject> mine = of(changes, account, 4);
    assertEquals(4, mine.size(), mine.toString());
    assertEquals(new JsonObject().put("account_id", account).put("data_type", "history").put("version", v1)
        .put("deleted", false), mine.get(0));
    assertEquals(new JsonObject().put("account_id", account).put("data_type", "setting").put("version", v2)
        .put("deleted", false), mine.get(1));
    assertEquals("history", mine.get(2).getString("data_type"));
    assertTrue(mine.get(2).getBoolean("deleted"));
    long deletedAt = mine.get(2).getLong("version");
    assertTrue(deletedAt > v2);
    // the rotation dropped every type at once
    assertNull(mine.get(3).getString("data_type"));
    assertTrue(mine.get(3).getBoolean("deleted"));
    assertTrue(mine.get(3).getLong("version") > deletedAt);
    assertEquals(mine.get(3).getLong("version"), f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject())
        .getJsonObject("data").getLong("latest_version"));
  }
}
