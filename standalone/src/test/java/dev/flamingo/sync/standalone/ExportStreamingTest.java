package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Export my data" is streamed (chunked, one blob and one audit page at a time, never the whole export in the
 * gateway's memory) with the same content as the account's data read route by route, and limited per account.
 */
class ExportStreamingTest {
  static final String ORIGIN = "http://flamingo.test";
  /** Three exports per account in a window so long that no test run straddles two (no wall-clock dependence). */
  static final String LIMIT = "3/1000000000";
  @AutoClose
  static OneBoxServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject().put(Settings.PUBLIC_URL, ORIGIN)
        .put(Settings.RATE_LIMIT_REGISTER, "1000/60").put(Settings.RATE_LIMIT_EXPORT, LIMIT));
    api = server.api();
  }

  static JsonArray auditAll(String cookie) {
    JsonArray all = new JsonArray();
    Long before = null;
    while (true) {
      Response page = api.web(HttpMethod.GET, "/api/web/audit?limit=200" + (before == null ? "" : "&before=" + before),
          cookie, ORIGIN, null);
      assertEquals(200, page.status, page.toString());
      JsonArray events = page.body.getJsonArray("data");
      all.addAll(events);
      if (events.size() < 200) {
        return all;
      }
      before = events.getJsonObject(events.size() - 1).getLong("id");
    }
  }

  @Test
  void theExportIsChunkedAndHoldsWhatTheRoutesShow() throws Exception {
    String cookie = Pairing.register(api, "streamed@example.com");
    String token = Pairing.pairDevice(api, cookie, "Streaming laptop");
    String key = Base64.getEncoder().encodeToString(Tokens.randomBytes(32));
    assertEquals(200, api.put("/api/sync/key", token, new JsonObject().put("master_key", key)).status);
    // three types, out of type order, one of them written twice: the export lists them by version as stored
    String[] types = {"setting", "history", "collection", "setting"};
    for (int i = 0; i < types.length; i++) {
      byte[] blob = new byte[40_000 + i * 1000];
      blob[0] = (byte) i;
      Response put = api.put("/api/sync/data/" + types[i], token, new JsonObject()
          .put("encrypted_blob", Base64.getEncoder().encodeToString(blob)).put("nonce", "bm9uY2Vub25jZTEy"));
      assertEquals(200, put.status, put.toString());
    }
    // more audit events than one page of device-service's (200)
    for (int i = 0; i < 210; i++) {
      assertEquals(200, api.web(HttpMethod.PUT, "/api/web/config", cookie, ORIGIN,
          new JsonObject().put("sync_secrets", i % 2 == 0)).status);
    }
    JsonArray items = api.get("/api/sync/data", token).data().getJsonArray("items");
    assertEquals(3, items.size());
    long deadline = System.currentTimeMillis() + 30_000;
    JsonArray audit = auditAll(cookie);
    while (audit.stream().filter(o -> "config.changed".equals(((JsonObject) o).getString("event_type"))).count() < 210
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      audit = auditAll(cookie);
    }
    assertTrue(audit.size() > 210, "the audit log never held every event: " + audit.size());

    Response r = api.web(HttpMethod.GET, "/api/web/export", cookie, ORIGIN, null);
    assertEquals(200, r.status, r.toString());
    assertEquals("chunked", r.header("Transfer-Encoding"), "the export is streamed");
    assertNull(r.header("Content-Length"));
    assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
    assertEquals("no-store", r.header("Cache-Control"));
    assertTrue(r.header("Content-Disposition").startsWith("attachment; filename=\"flamingo-export-"), r.header("Content-Disposition"));
    assertEquals(true, r.body.getBoolean("success"));
    JsonObject e = r.data();
    assertEquals(List.of("format", "exported_at", "account", "key", "data", "revisions", "sync_config", "devices", "audit"),
        new ArrayList<>(e.fieldNames()));
    assertEquals("flamingo-export/1", e.getString("format"));
    assertEquals("streamed@example.com", e.getJsonObject("account").getString("email"));
    assertEquals(api.web(HttpMethod.GET, "/api/web/key", cookie, ORIGIN, null).data(), e.getJsonObject("key"));
    assertEquals(items, e.getJsonArray("data"), "the blobs, as stored, in version order");
    assertEquals(api.web(HttpMethod.GET, "/api/web/config", cookie, ORIGIN, null).data(), e.getJsonObject("sync_config"));
    assertEquals(api.web(HttpMethod.GET, "/api/web/devices", cookie, ORIGIN, null).body.getJsonArray("data"),
        e.getJsonArray("devices"));
    assertEquals(audit, e.getJsonArray("audit"));
    assertTrue(!r.body.encode().contains(key), "the key is never exported");

    // an account without any data exports the same shape
    String empty = Pairing.register(api, "empty-export@example.com");
    JsonObject none = api.web(HttpMethod.GET, "/api/web/export", empty, ORIGIN, null).data();
    assertEquals(new JsonArray(), none.getJsonArray("data"));
    assertEquals(new JsonArray(), none.getJsonArray("devices"));
    assertEquals(false, none.getJsonObject("key").getBoolean("set"));
  }

  @Test
  void exportsArePerAccountLimited() {
    String cookie = Pairing.register(api, "limited-export@example.com");
    for (int i = 0; i < 3; i++) {
      assertEquals(200, api.web(HttpMethod.GET, "/api/web/export", cookie, ORIGIN, null).status);
    }
    Response limited = api.web(HttpMethod.GET, "/api/web/export", cookie, ORIGIN, null);
    assertEquals(429, limited.status, limited.toString());
    assertEquals(false, limited.body.getBoolean("success"));
    assertTrue(limited.error().startsWith("Too many requests, retry in "), limited.error());
    assertTrue(Long.parseLong(limited.header("Retry-After")) > 0);
    // another account (from the same address) still exports
    String other = Pairing.register(api, "unlimited-export@example.com");
    assertEquals(200, api.web(HttpMethod.GET, "/api/web/export", other, ORIGIN, null).status);
  }
}
