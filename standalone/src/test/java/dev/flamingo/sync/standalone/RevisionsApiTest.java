package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 23's revisions through the public API on the one-JVM server: device A writes, device B overwrites, A's
 * version is listed with A's name, reads back byte-equal and is restored as a newer version; a DELETE keeps the
 * history and a restore undoes it; restores and purges are audited; the cookie twins, the export and account
 * deletion.
 */
class RevisionsApiTest {
  static final String ORIGIN = "http://flamingo.test";
  static final String EVIL = "http://evil.example";

  @AutoClose
  static OneBoxServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject().put(Settings.PUBLIC_URL, ORIGIN));
    api = server.api();
  }

  @Test
  void anOverwrittenVersionIsListedReadRestoredAndADeleteIsUndone() throws Exception {
    String cookie = Pairing.register(api, "revisions@example.com");
    String laptop = Pairing.pairDevice(api, cookie, "Laptop A");
    String desktop = Pairing.pairDevice(api, cookie, "Desktop B");
    JsonObject mine = StandaloneFlowTest.encrypt(new byte[32], "{\"collections\":[\"A's\"]}");
    JsonObject theirs = StandaloneFlowTest.encrypt(new byte[32], "{\"collections\":[\"B's\"]}");

    Response written = api.put("/api/sync/data/collection", laptop, mine);
    assertEquals(200, written.status, written.toString());
    long versionA = written.data().getLong("version");
    Response asWritten = api.get("/api/sync/data/collection", laptop);
    assertEquals(200, asWritten.status, asWritten.toString());
    Response overwritten = api.put("/api/sync/data/collection", desktop, theirs);
    assertEquals(200, overwritten.status, overwritten.toString());

    Response list = api.get("/api/sync/data/collection/revisions", laptop);
    assertEquals(200, list.status, list.toString());
    JsonObject kept = itemOf(list.data(), versionA);
    assertEquals("Laptop A", kept.getString("device_name"), kept.encode());
    assertEquals("replaced", kept.getString("reason"));
    assertEquals(true, kept.getBoolean("replaced_by_other_device"), kept.encode());
    assertEquals("Desktop B", kept.getString("replaced_by_device_name"));
    assertEquals(list.data().getJsonArray("items").size(), list.data().getInteger("count"));

    // the revision reads back exactly as a GET of the type answered it then: the app can decrypt it
    Response revision = api.get("/api/sync/data/collection/revisions/" + versionA, desktop);
    assertEquals(200, revision.status, revision.toString());
    assertEquals(fields(asWritten.data()), fields(revision.data()));
    for (String field : new String[] {"data_type", "encrypted_blob", "nonce", "version", "checksum", "blob_size_bytes"}) {
      assertEquals(asWritten.data().getValue(field), revision.data().getValue(field), field);
    }

    // a restore with a stale If-Match is refused; with the current ETag it makes A's content current, newer
    String current = api.get("/api/sync/data/collection", desktop).header("ETag");
    assertNotNull(current);
    Response stale = restore(desktop, versionA, "\"" + versionA + "\"");
    assertEquals(412, stale.status, stale.toString());
    Response restored = restore(desktop, versionA, current);
    assertEquals(200, restored.status, restored.toString());
    assertEquals(fields(overwritten.data()), fields(restored.data()), "a restore answers as a PUT does");
    assertTrue(restored.data().getLong("version") > overwritten.data().getLong("version"), restored.toString());
    assertNotNull(restored.header("ETag"));
    assertNotEquals(current, restored.header("ETag"));
    Response now = api.get("/api/sync/data/collection", laptop);
    assertEquals(mine.getString("encrypted_blob"), now.data().getString("encrypted_blob"));
    assertEquals(restored.header("ETag"), now.header("ETag"));

    // the trash: a DELETE keeps what it deleted, the GET is 404, a restore undoes it
    Response deleted = api.delete("/api/sync/data/collection", laptop);
    assertEquals(200, deleted.status, deleted.toString());
    assertEquals(404, api.get("/api/sync/data/collection", laptop).status);
    JsonObject trashed = itemOf(api.get("/api/sync/data/collection/revisions", laptop).data(), now.data().getLong("version"));
    assertEquals("deleted", trashed.getString("reason"));
    Response undone = restore(laptop, trashed.getLong("version"), null);
    assertEquals(200, undone.status, undone.toString());
    assertEquals(mine.getString("encrypted_blob"),
        api.get("/api/sync/data/collection", desktop).data().getString("encrypted_blob"));

    // "Delete history": the revisions go, the current version stays
    Response purged = api.delete("/api/sync/data/collection/revisions", laptop);
    assertEquals(200, purged.status, purged.toString());
    assertTrue(purged.data().getInteger("purged") > 0, purged.toString());
    assertEquals(0, api.get("/api/sync/data/collection/revisions", laptop).data().getInteger("count"));
    assertEquals(200, api.get("/api/sync/data/collection", laptop).status);

    awaitAudit(laptop, "revision.restored");
    awaitAudit(laptop, "revisions.purged");
  }

  @Test
  void badTypesVersionsAndUnknownRevisionsAreEnvelopeErrors() {
    String cookie = Pairing.register(api, "revision-inputs@example.com");
    String device = Pairing.pairDevice(api, cookie, "Inputs");
    Response type = api.get("/api/sync/data/nope/revisions", device);
    assertEquals(400, type.status, type.toString());
    assertEquals("Invalid data type", type.error());
    assertEquals(400, api.get("/api/sync/data/nope/revisions/1", device).status);
    assertEquals(400, api.delete("/api/sync/data/nope/revisions", device).status);
    Response version = api.get("/api/sync/data/history/revisions/abc", device);
    assertEquals(400, version.status, version.toString());
    assertNotNull(version.error());
    assertEquals(400, restore(device, "1.5", null).status);
    Response unknown = api.get("/api/sync/data/history/revisions/999999", device);
    assertEquals(404, unknown.status, unknown.toString());
    assertEquals(404, restore(device, 999999, null).status);
    assertEquals(401, api.get("/api/sync/data/history/revisions", null).status);
    assertEquals(401, api.post("/api/sync/data/history/revisions/1/restore", null, null).status);
  }

  @Test
  void anotherAccountCannotListReadRestoreOrPurgeTheRevisions() throws Exception {
    String aliceCookie = Pairing.register(api, "revision-alice@example.com");
    String aliceA = Pairing.pairDevice(api, aliceCookie, "Alice A");
    String aliceB = Pairing.pairDevice(api, aliceCookie, "Alice B");
    String bobCookie = Pairing.register(api, "revision-bob@example.com");
    String bob = Pairing.pairDevice(api, bobCookie, "Bob");
    long version = api.put("/api/sync/data/secret", aliceA, StandaloneFlowTest.encrypt(new byte[32], "a")).data()
        .getLong("version");
    assertEquals(200, api.put("/api/sync/data/secret", aliceB, StandaloneFlowTest.encrypt(new byte[32], "b")).status);
    assertEquals(1, api.get("/api/sync/data/secret/revisions", aliceA).data().getInteger("count"));

    assertEquals(0, api.get("/api/sync/data/secret/revisions", bob).data().getInteger("count"));
    assertEquals(404, api.get("/api/sync/data/secret/revisions/" + version, bob).status);
    assertEquals(404, api.send(HttpMethod.POST, "/api/sync/data/secret/revisions/" + version + "/restore", bob, null,
        Map.of()).status);
    assertEquals(404, api.web(HttpMethod.POST, "/api/web/data/secret/revisions/" + version + "/restore", bobCookie,
        ORIGIN, null).status);
    assertEquals(0, api.delete("/api/sync/data/secret/revisions", bob).data().getInteger("purged"));
    assertEquals(200, api.web(HttpMethod.DELETE, "/api/web/data/secret/revisions", bobCookie, ORIGIN, null).status);
    assertEquals(404, api.get("/api/sync/data/secret", bob).status, "nothing was restored into bob's account");
    assertEquals(1, api.get("/api/sync/data/secret/revisions", aliceA).data().getInteger("count"));
  }

  @Test
  void theCookieTwinsWorkSameOriginAndRefuseCrossOrigin() throws Exception {
    String cookie = Pairing.register(api, "revision-web@example.com");
    String a = Pairing.pairDevice(api, cookie, "Web A");
    String b = Pairing.pairDevice(api, cookie, "Web B");
    JsonObject first = StandaloneFlowTest.encrypt(new byte[32], "first");
    long version = api.put("/api/sync/data/environment", a, first).data().getLong("version");
    assertEquals(200, api.put("/api/sync/data/environment", b, StandaloneFlowTest.encrypt(new byte[32], "second")).status);

    for (Object[] route : new Object[][] {
        {HttpMethod.GET, "/api/web/data/environment/revisions"},
        {HttpMethod.POST, "/api/web/data/environment/revisions/" + version + "/restore"},
        {HttpMethod.DELETE, "/api/web/data/environment/revisions"},
        {HttpMethod.GET, "/api/web/data/revisions"}}) {
      Response evil = api.web((HttpMethod) route[0], (String) route[1], cookie, EVIL, null);
      assertEquals(403, evil.status, route[1] + ": " + evil);
      assertEquals(401, api.web((HttpMethod) route[0], (String) route[1], null, ORIGIN, null).status, (String) route[1]);
    }
    assertEquals(1, api.get("/api/sync/data/environment/revisions", a).data().getInteger("count"),
        "nothing refused changed anything");

    Response list = api.web(HttpMethod.GET, "/api/web/data/environment/revisions", cookie, ORIGIN, null);
    assertEquals(200, list.status, list.toString());
    assertEquals("Web A", itemOf(list.data(), version).getString("device_name"));
    Response summary = api.web(HttpMethod.GET, "/api/web/data/revisions", cookie, ORIGIN, null);
    assertEquals(200, summary.status, summary.toString());
    assertTrue(summary.data().containsKey("types") && summary.data().containsKey("overwrites"), summary.toString());
    Response restored = api.web(HttpMethod.POST, "/api/web/data/environment/revisions/" + version + "/restore", cookie,
        ORIGIN, null);
    assertEquals(200, restored.status, restored.toString());
    assertNotNull(restored.header("ETag"));
    assertEquals(first.getString("encrypted_blob"),
        api.get("/api/sync/data/environment", b).data().getString("encrypted_blob"));
    Response purged = api.web(HttpMethod.DELETE, "/api/web/data/environment/revisions", cookie, ORIGIN, null);
    assertEquals(200, purged.status, purged.toString());
    assertEquals(0, api.get("/api/sync/data/environment/revisions", a).data().getInteger("count"));
  }

  @Test
  void theExportHoldsTheRevisionsAndAccountDeletionPurgesThem() throws Exception {
    String email = "revision-export@example.com";
    String cookie = Pairing.register(api, email);
    String a = Pairing.pairDevice(api, cookie, "Export A");
    String b = Pairing.pairDevice(api, cookie, "Export B");
    JsonObject first = StandaloneFlowTest.encrypt(new byte[32], "first");
    long version = api.put("/api/sync/data/setting", a, first).data().getLong("version");
    assertEquals(200, api.put("/api/sync/data/setting", b, StandaloneFlowTest.encrypt(new byte[32], "second")).status);

    Response export = api.web(HttpMethod.GET, "/api/web/export", cookie, ORIGIN, null);
    assertEquals(200, export.status, export.toString());
    JsonObject meta = itemOf(new JsonObject().put("items", export.data().getJsonArray("revisions")), version);
    assertEquals("setting", meta.getString("data_type"));
    assertEquals("Export A", meta.getString("device_name"));
    assertNull(meta.getValue("encrypted_blob"), "metadata only unless asked");
    Response withBlobs = api.web(HttpMethod.GET, "/api/web/export?revision_blobs=true", cookie, ORIGIN, null);
    assertEquals(200, withBlobs.status, withBlobs.toString());
    JsonObject full = itemOf(new JsonObject().put("items", withBlobs.data().getJsonArray("revisions")), version);
    assertEquals(first.getString("encrypted_blob"), full.getString("encrypted_blob"));
    assertEquals(first.getString("nonce"), full.getString("nonce"));

    long account = accountId(email);
    assertTrue(revisionRows(account) > 0);
    Response gone = api.web(HttpMethod.POST, "/api/web/account/delete", cookie, ORIGIN,
        new JsonObject().put("password", Pairing.passwordOf(email)));
    assertEquals(200, gone.status, gone.toString());
    assertEquals(0, revisionRows(account));
  }

  static Response restore(String token, Object version, String ifMatch) {
    return api.send(HttpMethod.POST, "/api/sync/data/" + (version instanceof String ? "history" : "collection")
        + "/revisions/" + version + "/restore", token, null, ifMatch == null ? Map.of() : Map.of("If-Match", ifMatch));
  }

  static JsonObject itemOf(JsonObject list, long version) {
    JsonArray items = list.getJsonArray("items");
    assertNotNull(items, list.encode());
    for (int i = 0; i < items.size(); i++) {
      if (items.getJsonObject(i).getLong("version") == version) {
        return items.getJsonObject(i);
      }
    }
    throw new AssertionError("no revision " + version + " in " + list.encode());
  }

  static Set<String> fields(JsonObject o) {
    return new TreeSet<>(o.fieldNames());
  }

  static void awaitAudit(String token, String eventType) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      Response r = api.get("/api/audit?event_type=" + eventType, token);
      assertEquals(200, r.status, r.toString());
      boolean found = r.body.getJsonArray("data").stream().anyMatch(e -> eventType.equals(((JsonObject) e).getString("event_type")));
      if (found) {
        return;
      }
      assertFalse(System.currentTimeMillis() > deadline, "no " + eventType + " event in " + r.body);
      Thread.sleep(100);
    }
  }

  static long accountId(String email) {
    return query("select id from auth.accounts where email = ?", email);
  }

  static long revisionRows(long account) {
    return query("select count(*) from data.blob_revisions where account_id = ?", account);
  }

  static long query(String sql, Object arg) {
    try (Connection c = server.db().connect(); var st = c.prepareStatement(sql)) {
      st.setObject(1, arg);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
