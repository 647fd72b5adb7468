package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static dev.flamingo.sync.data.DataFixture.seal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Revisions and the trash with the default rules (FLAMINGO_REVISIONS_EVERY 300 s, DAYS 30, KEEP 100): coalescing of
 * a device's writes, another device's write, restore, delete, purge, the writer's name, the summary, the audit events.
 */
class RevisionsTest {
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass();
  static final List<JsonObject> audit = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void listen() {
    MessageConsumer<JsonObject> a = f.vertx.eventBus().consumer(Addresses.DEVICE_EVENTS_DELIVER, m -> {
      if (Addresses.EVENT_AUDIT.equals(m.body().getString("topic"))) {
        audit.add(m.body().getJsonObject("payload"));
      }
      m.reply(new JsonObject().put("stored", true));
    });
    a.completion().await();
  }

  static long put(String device, long account, DataFixture.Sealed s, String type) {
    return f.callAs(device, Addresses.DATA_BLOB_PUT, account, s.body(type)).getJsonObject("data").getLong("version");
  }

  static JsonArray revisions(long account, String type) {
    JsonObject data = f.call(Addresses.DATA_REVISIONS_LIST, account, new JsonObject().put("type", type))
        .getJsonObject("data");
    assertEquals(data.getJsonArray("items").size(), data.getInteger("count"));
    return data.getJsonArray("items");
  }

  static JsonObject type(String type) {
    return new JsonObject().put("type", type);
  }

  /** Moves the account's revisions back in time, as if they had been kept {@code seconds} ago. */
  static void age(long account, int seconds) throws Exception {
    try (Connection c = f.jdbc(); PreparedStatement s = c.prepareStatement(
        "update data.blob_revisions set kept_at = kept_at - make_interval(secs => ?) where account_id = ?")) {
      s.setInt(1, seconds);
      s.setLong(2, account);
      s.executeUpdate();
    }
  }

  @Test
  void aDevicesQuickWritesAreCoalesced() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long v1 = put("d1", account, seal(key, "one"), "history");
    put("d1", account, seal(key, "two"), "history");
    long v3 = put("d1", account, seal(key, "three"), "history");
    // the first replacement keeps v1; the next ones come within FLAMINGO_REVISIONS_EVERY of it
    JsonArray items = revisions(account, "history");
    assertEquals(1, items.size(), items.encode());
    assertEquals(v1, items.getJsonObject(0).getLong("version"));
    assertEquals("replaced", items.getJsonObject(0).getString("reason"));
    assertFalse(items.getJsonObject(0).getBoolean("replaced_by_other_device"));

    // once the last one kept is older than the window, the next write keeps what it replaces
    age(account, 301);
    put("d1", account, seal(key, "four"), "history");
    put("d1", account, seal(key, "five"), "history");
    items = revisions(account, "history");
    assertEquals(2, items.size(), items.encode());
    assertEquals(v3, items.getJsonObject(0).getLong("version"));
  }

  @Test
  void anotherDevicesWriteAlwaysKeepsWhatItReplaces() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    String laptop = "d-laptop-" + account;
    String desktop = "d-desktop-" + account;
    named(account, laptop, "Laptop A");
    named(account, desktop, "Desktop B");
    DataFixture.Sealed a = seal(key, "laptop's environments");
    long va = put(laptop, account, a, "environment");
    long vb = put(desktop, account, seal(key, "desktop's environments"), "environment");
    // within the coalescing window, yet another device: kept again
    put(laptop, account, seal(key, "laptop again"), "environment");

    JsonArray items = revisions(account, "environment");
    assertEquals(2, items.size(), items.encode());
    JsonObject ofB = items.getJsonObject(0);
    JsonObject ofA = items.getJsonObject(1);
    assertEquals(vb, ofB.getLong("version"));
    assertEquals(va, ofA.getLong("version"));
    assertEquals(laptop, ofA.getString("device_id"));
    assertEquals("Laptop A", ofA.getString("device_name"));
    assertTrue(ofA.getBoolean("replaced_by_other_device"));
    assertEquals(desktop, ofA.getString("replaced_by_device_id"));
    assertEquals("Desktop B", ofA.getString("replaced_by_device_name"));
    assertEquals(a.size(), ofA.getInteger("blob_size_bytes"));
    assertEquals(a.checksum(), ofA.getString("checksum"));
    assertEquals("Desktop B", ofB.getString("device_name"));

    // the revision reads back as the blob GET answers, and decrypts to A's content
    JsonObject back = f.call(Addresses.DATA_REVISIONS_GET, account, type("environment").put("version", va))
        .getJsonObject("data");
    assertEquals(va, back.getLong("version"));
    assertEquals("laptop's environments", DataFixture.open(key, back.getString("encrypted_blob"), back.getString("nonce")));
    assertEquals(a.checksum(), back.getString("checksum"));
    assertEquals(404, f.fail(Addresses.DATA_REVISIONS_GET, account, type("environment").put("version", 999_999)).status());
    assertEquals(400, f.fail(Addresses.DATA_REVISIONS_GET, account, type("environment").put("version", "x")).status());

    // counted for the dashboard, and audited: one data.overwritten per overwrite
    JsonObject summary = f.call(Addresses.DATA_REVISIONS_SUMMARY, account, new JsonObject()).getJsonObject("data");
    JsonArray overwrites = summary.getJsonArray("overwrites");
    assertEquals(2, overwrites.size(), overwrites.encode());
    for (Object o : overwrites) {
      JsonObject w = (JsonObject) o;
      assertEquals("environment", w.getString("type"));
      assertEquals(1, w.getInteger("count"));
      assertEquals(w.getString("device_id").equals(laptop) ? "Laptop A" : "Desktop B", w.getString("device_name"));
    }
    List<JsonObject> events = events(account, "data.overwritten", 2);
    assertEquals(2, events.size());
    JsonObject first = events.get(0).getJsonObject("metadata");
    assertEquals("environment", first.getString("data_type"));
    assertEquals(va, first.getLong("replaced_version"));
    assertEquals(laptop, first.getString("replaced_device_id"));
  }

  @Test
  void aRestoreIsANewVersionAndKeepsWhatItReplaced() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long va = put("d1", account, seal(key, "good"), "collection");
    long vb = put("d2", account, seal(key, "stale overwrite"), "collection");

    assertEquals(412, f.fail(Addresses.DATA_REVISIONS_RESTORE, account,
        type("collection").put("version", va).put("if_match", "\"" + va + "\"")).status());
    assertEquals(404, f.fail(Addresses.DATA_REVISIONS_RESTORE, account,
        type("collection").put("version", vb)).status());
    JsonObject reply = f.call(Addresses.DATA_REVISIONS_RESTORE, account,
        type("collection").put("version", va).put("if_match", "\"" + vb + "\""));
    long restored = reply.getJsonObject("data").getLong("version");
    assertTrue(restored > vb, reply.encode());
    assertEquals("\"" + restored + "\"", reply.getJsonObject("headers").getString("ETag"));

    JsonObject current = f.call(Addresses.DATA_BLOB_GET, account, type("collection")).getJsonObject("data");
    assertEquals(restored, current.getLong("version"));
    assertEquals("good", DataFixture.open(key, current.getString("encrypted_blob"), current.getString("nonce")));

    JsonArray items = revisions(account, "collection");
    assertEquals(2, items.size(), items.encode());
    assertEquals(vb, items.getJsonObject(0).getLong("version"));
    assertEquals("restored", items.getJsonObject(0).getString("reason"));
    assertEquals(va, items.getJsonObject(1).getLong("version"));
    assertEquals(1, events(account, "revision.restored", 1).size());

    // a restore always keeps what it replaces, even a version the same device wrote just now
    f.call(Addresses.DATA_REVISIONS_RESTORE, account, type("collection").put("version", vb));
    items = revisions(account, "collection");
    assertEquals(3, items.size(), items.encode());
    assertEquals(restored, items.getJsonObject(0).getLong("version"));
    assertEquals("restored", items.getJsonObject(0).getString("reason"));
  }

  @Test
  void aDeleteKeepsWhatItDeletedAndCanBeUndone() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long v = put("d1", account, seal(key, "secrets"), "secret");
    f.call(Addresses.DATA_BLOB_DELETE, account, type("secret"));
    assertEquals(404, f.fail(Addresses.DATA_BLOB_GET, account, type("secret")).status());

    JsonArray items = revisions(account, "secret");
    assertEquals(1, items.size(), items.encode());
    assertEquals("deleted", items.getJsonObject(0).getString("reason"));
    JsonObject summary = f.call(Addresses.DATA_REVISIONS_SUMMARY, account, new JsonObject()).getJsonObject("data");
    JsonObject trashed = summary.getJsonArray("types").getJsonObject(0);
    assertEquals("secret", trashed.getString("type"));
    assertTrue(trashed.getBoolean("trashed"));
    assertEquals(items.getJsonObject(0).getLong("blob_size_bytes"), summary.getLong("revision_bytes"));

    f.call(Addresses.DATA_REVISIONS_RESTORE, account, type("secret").put("version", v));
    JsonObject current = f.call(Addresses.DATA_BLOB_GET, account, type("secret")).getJsonObject("data");
    assertEquals("secrets", DataFixture.open(key, current.getString("encrypted_blob"), current.getString("nonce")));
    assertFalse(f.call(Addresses.DATA_REVISIONS_SUMMARY, account, new JsonObject()).getJsonObject("data")
        .getJsonArray("types").getJsonObject(0).getBoolean("trashed"));
  }

  @Test
  void aPurgeDeletesATypesHistoryOrAll() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    for (String t : List.of("history", "setting")) {
      put("d1", account, seal(key, "1"), t);
      put("d2", account, seal(key, "2"), t);
      put("d1", account, seal(key, "3"), t);
    }
    assertEquals(2, f.call(Addresses.DATA_REVISIONS_PURGE, account, type("history")).getJsonObject("data")
        .getInteger("purged"));
    assertEquals(0, revisions(account, "history").size());
    assertEquals(2, revisions(account, "setting").size());
    assertEquals(2, f.call(Addresses.DATA_REVISIONS_PURGE, account, new JsonObject()).getJsonObject("data")
        .getInteger("purged"));
    assertEquals(0, revisions(account, "setting").size());
    assertEquals(400, f.fail(Addresses.DATA_REVISIONS_PURGE, account, type("nope")).status());
    assertEquals(2, events(account, "revisions.purged", 2).size());
    // the current versions stay
    assertEquals("3", DataFixture.open(key, f.call(Addresses.DATA_BLOB_GET, account, type("setting"))
        .getJsonObject("data").getString("encrypted_blob"), f.call(Addresses.DATA_BLOB_GET, account, type("setting"))
        .getJsonObject("data").getString("nonce")));
  }

  @Test
  void anAccountPurgeDeletesItsRevisions() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    put("d1", account, seal(key, "1"), "history");
    put("d2", account, seal(key, "2"), "history");
    f.call(Addresses.DATA_ACCOUNT_PURGE, account, new JsonObject().put("account_id", account));
    assertEquals(0, count("select count(*) from data.blob_revisions where account_id = ?", account));
    assertEquals(0, count("select count(*) from data.overwrite_counts where account_id = ?", account));
  }

  /**
   * The storage 1,000 quick PUTs of a 4 KiB blob by one device leave with the defaults: the current version and one
   * revision (coalesced).
   */
  @Test
  void aThousandQuickPutsLeaveOneRevision() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    for (int i = 0; i < 1000; i++) {
      put("d1", account, BlobLimitsTest.sealedOfSize(key, 4096), "history");
    }
    long rows = count("select count(*) from data.blob_revisions where account_id = ?", account);
    long bytes = count("select coalesce(sum(blob_size_bytes), 0) from data.blob_revisions where account_id = ?", account);
    long onDisk = count("select coalesce(sum(pg_column_size(r.*)), 0) from data.blob_revisions r where account_id = ?",
        account);
    System.out.printf("revisions after 1000 PUTs of 4 KiB, one device: %d rows, %d blob bytes, %d bytes as rows%n",
        rows, bytes, onDisk);
    assertEquals(1, rows);
    assertEquals(4096, bytes);
  }

  @Test
  void theExportPagesRevisionsWithTheirBlobsAndTheLimitsShowTheirBytes() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long v1 = put("d1", account, seal(key, "one"), "history");
    long v2 = put("d2", account, seal(key, "two"), "history");
    put("d1", account, seal(key, "three"), "history");
    JsonArray page = f.call(Addresses.DATA_REVISIONS_LIST, account, type("history").put("limit", 1)
        .put("with_blobs", true)).getJsonObject("data").getJsonArray("items");
    assertEquals(1, page.size());
    assertEquals(v2, page.getJsonObject(0).getLong("version"));
    assertEquals("two", DataFixture.open(key, page.getJsonObject(0).getString("encrypted_blob"),
        page.getJsonObject(0).getString("nonce")));
    page = f.call(Addresses.DATA_REVISIONS_LIST, account, type("history").put("limit", 1).put("before", v2))
        .getJsonObject("data").getJsonArray("items");
    assertEquals(v1, page.getJsonObject(0).getLong("version"));
    assertNull(page.getJsonObject(0).getValue("encrypted_blob"));
    assertEquals(400, f.fail(Addresses.DATA_REVISIONS_LIST, account, type("history").put("limit", 0)).status());
    assertEquals(400, f.fail(Addresses.DATA_REVISIONS_LIST, account, type("history").put("with_blobs", "yes")).status());

    long bytes = f.call(Addresses.DATA_REVISIONS_SUMMARY, account, new JsonObject()).getJsonObject("data")
        .getLong("revision_bytes");
    assertEquals(2 * (3 + 16), bytes);
    assertEquals(bytes, f.call(Addresses.DATA_LIMITS, account, new JsonObject()).getJsonObject("data")
        .getLong("revision_bytes"));
    assertEquals(bytes, f.call(Addresses.DATA_ADMIN_USAGE, account, new JsonObject().put("account_ids",
        new JsonArray().add(account))).getJsonObject("data").getJsonObject("usage")
        .getJsonObject(String.valueOf(account)).getLong("revision_bytes"));
  }

  /** A device's name as device-service announces it on pairing; recorded once data-service has it. */
  static void named(long account, String device, String name) throws Exception {
    f.vertx.eventBus().publish(Addresses.EVENT_SESSION_CREATED, new JsonObject().put("account_id", account)
        .put("device_id", device).put("device_name", name).put("session_id", "s"));
    long deadline = System.currentTimeMillis() + 30_000;
    while (count("select count(*) from data.device_names where device_id = '" + device + "' and account_id = ?",
        account) == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }

  @Test
  void aRenameReachesTheNameAndAnUnknownDeviceIsNull() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    String dev = "d-renamed-" + account;
    named(account, dev, "Old name");
    f.vertx.eventBus().publish(Addresses.EVENT_AUDIT, new JsonObject().put("event_type", "device.renamed")
        .put("account_id", account).put("metadata", new JsonObject().put("device_id", dev).put("old_name", "Old name")
            .put("name", "New name")));
    long deadline = System.currentTimeMillis() + 30_000;
    while (count("select count(*) from data.device_names where name = 'New name' and account_id = ?", account) == 0
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    put(dev, account, seal(key, "1"), "history");
    put("d-unknown-" + account, account, seal(key, "2"), "history");
    JsonObject item = revisions(account, "history").getJsonObject(0);
    assertEquals("New name", item.getString("device_name"));
    assertNull(item.getString("replaced_by_device_name"));
  }

  static long count(String sql, long account) throws Exception {
    return count(f, sql, account);
  }

  /** A one-number query of {@code fixture}'s database with the account as its parameter. */
  static long count(DataFixture fixture, String sql, long account) throws Exception {
    try (Connection c = fixture.jdbc(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, account);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The account's audit events of a type once {@code expected} have arrived (bounded wait). */
  static List<JsonObject> events(long account, String type, int expected) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    List<JsonObject> mine;
    do {
      mine = audit.stream().filter(e -> e.getLong("account_id") == account && type.equals(e.getString("event_type")))
          .toList();
      if (mine.size() >= expected) {
        return mine;
      }
      Thread.sleep(20);
    } while (System.currentTimeMillis() < deadline);
    return mine;
  }
}
