package dev.flamingo.sync.standalone;

import dev.flamingo.sync.common.config.Settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one-box server (every verticle in one JVM, local event bus, as {@code bin/standalone} runs it)
 * driven over HTTP like the shipped client: pair two devices, share the key and an encrypted blob,
 * list and revoke devices, read the audit log, and keep accounts apart.
 */
class StandaloneFlowTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static OneBoxServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject().put(Settings.GATEWAY_INSTANCES, 2));
    api = server.api();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void twoDevicesShareTheKeyAndAnEncryptedBlob() throws Exception {
    String cookie = Pairing.register(api, "two-devices@example.com");
    String laptop = Pairing.pairDevice(api, cookie, "Laptop");
    String desktop = Pairing.pairDevice(api, cookie, "Desktop");

    Response none = api.get("/api/sync/key", laptop);
    assertEquals(200, none.status, none.toString());
    assertTrue(none.body.containsKey("data") && none.body.getValue("data") == null);

    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    Response put = api.put("/api/sync/key", laptop, new JsonObject().put("master_key", b64(key)));
    assertEquals(200, put.status, put.toString());
    assertEquals(1, put.data().getInteger("version"));

    // the shipped client PUTs a fresh key when its GET failed: refused, the stored key survives
    Response overwrite = api.put("/api/sync/key", desktop, new JsonObject().put("master_key", b64(new byte[32])));
    assertEquals(409, overwrite.status, overwrite.toString());
    Response fetched = api.get("/api/sync/key", desktop);
    assertArrayEquals(key, Base64.getDecoder().decode(fetched.data().getString("master_key")));

    String plaintext = new JsonArray().add(new JsonObject().put("url", "https://api.example/x").put("method", "GET")).encode();
    JsonObject blob = encrypt(key, plaintext);
    Response write = api.put("/api/sync/data/history", laptop, blob);
    assertEquals(200, write.status, write.toString());
    assertEquals("history", write.data().getString("data_type"));

    Response read = api.get("/api/sync/data/history", desktop);
    assertEquals(200, read.status, read.toString());
    assertEquals(plaintext, decrypt(key, read.data()));
    Response list = api.get("/api/sync/data", desktop);
    assertEquals(1, list.data().getInteger("count"));

    Response cleared = api.delete("/api/sync/data/history", desktop);
    assertEquals(200, cleared.status);
    assertEquals("Synced history cleared", cleared.body.getString("message"));
    Response gone = api.get("/api/sync/data/history", laptop);
    assertEquals(404, gone.status);
    assertTrue(gone.error().contains("Not found"), gone.error());
  }

  @Test
  void devicesAreListedAndRevokedAndAudited() throws Exception {
    String cookie = Pairing.register(api, "devices@example.com");
    String first = Pairing.pairDevice(api, cookie, "First");
    String second = Pairing.pairDevice(api, cookie, "Second");

    Response list = api.get("/api/devices", first);
    assertEquals(200, list.status, list.toString());
    JsonArray devices = list.body.getJsonArray("data");
    assertEquals(2, devices.size());
    JsonObject current = null;
    JsonObject other = null;
    for (Object o : devices) {
      JsonObject d = (JsonObject) o;
      for (String field : new String[] {"id", "name", "device_type", "is_approved", "is_current", "last_seen_at", "created_at"}) {
        assertTrue(d.containsKey(field), field + " in " + d);
      }
      if (d.getBoolean("is_current")) {
        current = d;
      } else {
        other = d;
      }
    }
    assertEquals("First", current.getString("name"));
    assertEquals("Second", other.getString("name"));

    Response revoke = api.delete("/api/devices/" + other.getString("id"), first);
    assertEquals(200, revoke.status, revoke.toString());
    assertEquals("Device revoked", revoke.body.getString("message"));
    DeviceFlowClusterTest.assertRejectedByEviction(api, second);
    Response again = api.delete("/api/devices/" + other.getString("id"), first);
    assertEquals(404, again.status);
    assertEquals("Device not found", again.error());

    JsonArray audit = awaitAudit(first, "sync.token");
    JsonObject event = audit.getJsonObject(0);
    assertEquals("127.0.0.1", event.getString("ip_address"));
    for (String field : new String[] {"id", "event_type", "ip_address", "metadata", "created_at"}) {
      assertTrue(event.containsKey(field), field + " in " + event);
    }
  }

  @Test
  void aDeviceThatSignsItselfOutLeavesTheList() throws Exception {
    String cookie = Pairing.register(api, "self-revoke@example.com");
    String stays = Pairing.pairDevice(api, cookie, "Stays");
    String leaves = Pairing.pairDevice(api, cookie, "Leaves");
    assertEquals(2, api.get("/api/devices", stays).body.getJsonArray("data").size());
    assertEquals(200, api.post("/api/sync/revoke", leaves, null).status);
    long deadline = System.currentTimeMillis() + 30_000;
    JsonArray devices;
    do {
      devices = api.get("/api/devices", stays).body.getJsonArray("data");
      if (devices.size() == 1) {
        break;
      }
      Thread.sleep(50);
    } while (System.currentTimeMillis() < deadline);
    assertEquals(1, devices.size(), devices.encode());
    assertEquals("Stays", devices.getJsonObject(0).getString("name"));
  }

  @Test
  void accountsNeverSeeEachOther() throws Exception {
    String alice = Pairing.pairDevice(api, Pairing.register(api, "alice@example.com"), "Alice's");
    String bob = Pairing.pairDevice(api, Pairing.register(api, "bob@example.com"), "Bob's");
    String aliceDevice = api.get("/api/devices", alice).body.getJsonArray("data").getJsonObject(0).getString("id");

    Response steal = api.delete("/api/devices/" + aliceDevice, bob);
    assertEquals(404, steal.status);
    assertEquals("Device not found", steal.error());
    assertEquals(200, api.get("/api/sync/config", alice).status, "alice's device survived");

    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    assertEquals(200, api.put("/api/sync/key", alice, new JsonObject().put("master_key", b64(key))).status);
    assertEquals(200, api.put("/api/sync/data/secret", alice, encrypt(key, "{\"token\":\"s3cret\"}")).status);
    assertNull(api.get("/api/sync/key", bob).body.getValue("data"));
    assertEquals(404, api.get("/api/sync/data/secret", bob).status);
    assertEquals(404, api.delete("/api/sync/data/secret", bob).status);
    assertEquals(200, api.get("/api/sync/data/secret", alice).status);
    assertFalse(api.get("/api/devices", bob).body.getJsonArray("data").encode().contains(aliceDevice));
  }

  /**
   * The sync config set by one device travels: another device of the account reads it, the browser's
   * dashboard reads it, and a device paired afterwards gets it in its /api/sync/token answer; a type
   * switched off is refused for every device; another account keeps its defaults.
   */
  @Test
  void disabledTypeIsRefusedAndConfigTravelsToOtherDevicesTheWebAndNewPairings() throws Exception {
    String cookie = Pairing.register(api, "config@example.com");
    String token = Pairing.pairDevice(api, cookie, "Config");
    String other = Pairing.pairDevice(api, cookie, "Other device");
    Response put = api.put("/api/sync/config", token, new JsonObject().put("sync_secrets", false));
    assertEquals(200, put.status, put.toString());
    assertEquals(false, put.data().getBoolean("sync_secrets"));
    Response get = api.get("/api/sync/config", token);
    assertEquals(false, get.data().getBoolean("sync_secrets"));
    assertEquals(true, get.data().getBoolean("sync_history"));
    Response empty = api.put("/api/sync/config", token, new JsonObject().put("nonsense", true));
    assertEquals(400, empty.status);
    assertEquals("No valid fields to update", empty.error());

    // the other device sees it, and is refused the switched-off type too
    Response onOther = api.get("/api/sync/config", other);
    assertEquals(200, onOther.status, onOther.toString());
    assertEquals(false, onOther.data().getBoolean("sync_secrets"));
    assertEquals(true, onOther.data().getBoolean("sync_history"));
    JsonObject blob = encrypt(new byte[32], "{}");
    assertEquals(409, api.put("/api/sync/data/secret", token, blob).status);
    assertEquals(409, api.put("/api/sync/data/secret", other, blob).status);
    // the dashboard (cookie) reads the same config
    Response web = api.send(HttpMethod.GET, "/api/web/config", null, null, Map.of("Cookie", cookie));
    assertEquals(200, web.status, web.toString());
    assertEquals(false, web.data().getBoolean("sync_secrets"));
    // a device paired now gets it with its session token
    Response init = api.post("/api/sync/init", null, new JsonObject().put("device_name", "Later").put("device_type", "desktop"));
    String temp = init.data().getString("temp_token");
    Response claim = api.send(HttpMethod.POST, "/api/sync/claim", null,
        Buffer.buffer(new JsonObject().put("temp_token", temp)
            .put("password", Pairing.passwordOf("config@example.com")).encode()),
        Map.of("Cookie", cookie, "Content-Type", "application/json"));
    assertEquals(200, claim.status, claim.toString());
    Response paired = api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
    assertEquals(200, paired.status, paired.toString());
    JsonObject travelled = paired.data().getJsonObject("sync_config");
    assertEquals(false, travelled.getBoolean("sync_secrets"), paired.toString());
    assertEquals(true, travelled.getBoolean("sync_history"), paired.toString());
    // and it stays with this account
    String stranger = Pairing.pairDevice(api, Pairing.register(api, "config-stranger@example.com"), "Stranger");
    assertEquals(true, api.get("/api/sync/config", stranger).data().getBoolean("sync_secrets"));
  }

  JsonArray awaitAudit(String token, String eventType) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      Response r = api.get("/api/audit", token);
      assertEquals(200, r.status, r.toString());
      JsonArray events = new JsonArray();
      r.body.getJsonArray("data").forEach(e -> {
        if (eventType.equals(((JsonObject) e).getString("event_type"))) {
          events.add(e);
        }
      });
      if (!events.isEmpty() || System.currentTimeMillis() > deadline) {
        assertFalse(events.isEmpty(), "no " + eventType + " event in " + r.body);
        return events;
      }
      Thread.sleep(100);
    }
  }

  static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** As the client does: AES-256-GCM, 12-byte IV, ciphertext||tag, standard base64. */
  static JsonObject encrypt(byte[] key, String plaintext) throws Exception {
    byte[] iv = new byte[12];
    RANDOM.nextBytes(iv);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
    byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
    return new JsonObject().put("encrypted_blob", b64(sealed)).put("nonce", b64(iv)).put("checksum", "sha256:test");
  }

  static String decrypt(byte[] key, JsonObject item) throws Exception {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
        new GCMParameterSpec(128, Base64.getDecoder().decode(item.getString("nonce"))));
    return new String(cipher.doFinal(Base64.getDecoder().decode(item.getString("encrypted_blob"))), StandardCharsets.UTF_8);
  }
}
