package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Sync status per device, through the public API of the one-box server: an upload, a download and a refused
 * upload (413, over the account's quota) of one device show in the device list's {@code sync} once the gateway
 * has sent its coalesced status (every 100 ms here, {@code FLAMINGO_SYNC_STATUS_FLUSH_MS}); another device of
 * the account shows nothing.
 */
class SyncStatusFlowTest {
  private static final String ORIGIN = "http://flamingo.test";

  @Test
  void uploadDownloadAndRefusalShowInTheDeviceList() throws Exception {
    try (OneBoxServer server = OneBoxServer.start(new JsonObject()
        .put("FLAMINGO_SYNC_STATUS_FLUSH_MS", 100)
        .put("FLAMINGO_MAX_ACCOUNT_BYTES", 2048))) {
      String cookie = Pairing.register(server.api(), "status@example.org");
      String laptop = Pairing.pairDevice(server.api(), cookie, "Laptop A");
      Pairing.pairDevice(server.api(), cookie, "Desktop B");
      byte[] key = new byte[32];

      Response put = server.api().put("/api/sync/data/environment", laptop, StandaloneFlowTest.encrypt(key, "[]"));
      assertEquals(200, put.status, put.toString());
      Response get = server.api().get("/api/sync/data/environment", laptop);
      assertEquals(200, get.status, get.toString());
      Response refused = server.api().put("/api/sync/data/setting", laptop,
          StandaloneFlowTest.encrypt(key, "x".repeat(4000)));
      assertEquals(413, refused.status, refused.toString());
      assertTrue(refused.error().startsWith("Storage quota exceeded"), refused.toString());

      JsonObject laptopRow = null;
      JsonObject desktopRow = null;
      long deadline = System.currentTimeMillis() + 40_000;
      while (System.currentTimeMillis() < deadline) {
        Response devices = server.api().web(HttpMethod.GET, "/api/web/devices", cookie, ORIGIN, null);
        assertEquals(200, devices.status, devices.toString());
        laptopRow = named(devices.body.getJsonArray("data"), "Laptop A");
        desktopRow = named(devices.body.getJsonArray("data"), "Desktop B");
        JsonArray sync = laptopRow.getJsonArray("sync");
        // each gateway instance reports on its own flush: wait until every report has arrived
        if (sync != null && sync.size() == 2 && sync.getJsonObject(0).getValue("last_upload_at") != null
            && sync.getJsonObject(0).getValue("last_download_at") != null
            && sync.getJsonObject(1).getValue("last_refused_at") != null) {
          break;
        }
        Thread.sleep(100);
      }
      JsonArray sync = laptopRow.getJsonArray("sync");
      assertNotNull(sync, "the device list has no sync status: " + laptopRow);
      assertEquals(2, sync.size(), laptopRow.encodePrettily());

      JsonObject environment = sync.getJsonObject(0);
      assertEquals("environment", environment.getString("type"));
      assertNotNull(environment.getString("last_upload_at"), environment.encode());
      assertNotNull(environment.getString("last_download_at"), environment.encode());
      assertNull(environment.getString("last_refused_at"), environment.encode());
      assertNull(environment.getValue("last_refused_status"), environment.encode());

      JsonObject setting = sync.getJsonObject(1);
      assertEquals("setting", setting.getString("type"));
      assertNull(setting.getString("last_upload_at"), setting.encode());
      assertNull(setting.getString("last_download_at"), setting.encode());
      assertNotNull(setting.getString("last_refused_at"), setting.encode());
      assertEquals(413, setting.getInteger("last_refused_status"), setting.encode());
      assertEquals(refused.error(), setting.getString("last_refused_message"));

      assertEquals(new JsonArray(), desktopRow.getJsonArray("sync"), "the other device did nothing: " + desktopRow);
    }
  }

  private static JsonObject named(JsonArray devices, String name) {
    for (int i = 0; i < devices.size(); i++) {
      if (name.equals(devices.getJsonObject(i).getString("name"))) {
        return devices.getJsonObject(i);
      }
    }
    throw new AssertionError("no device " + name + " in " + devices.encode());
  }
}
