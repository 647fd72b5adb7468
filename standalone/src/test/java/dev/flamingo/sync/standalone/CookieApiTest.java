package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cookie API ({@code /api/web/*}, {@code /api/auth/*}) against the real one-box server with two gateway
 * instances (each with its own cache): the Origin check refuses a cross-origin request that carries a
 * valid cookie, one account's cookie reaches nothing of another's, a logout ends the login on the
 * server; plus the blob upload limit end to end and the device name check over HTTP.
 */
class CookieApiTest {
  static final String ORIGIN = "http://flamingo.test";
  static final String EVIL = "http://evil.example";
  static final long MAX_BLOB_BODY = 64 * 1024;

  @AutoClose
  static OneBoxServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject()
        .put(Settings.PUBLIC_URL, ORIGIN).put(Settings.MAX_BODY_BYTES, MAX_BLOB_BODY)
        .put(Settings.AUTH_CACHE_SECONDS, 300).put(Settings.GATEWAY_INSTANCES, 2)
        .put(Settings.TRUSTED_PROXIES, "127.0.0.0/8, ::1/128")); // the test client plays a proxy in this range
    api = server.api();
  }

  static String deviceId(String sessionToken) {
    Response devices = api.get("/api/devices", sessionToken);
    assertEquals(200, devices.status, devices.toString());
    return devices.body.getJsonArray("data").getJsonObject(0).getString("id");
  }

  @Test
  void crossOriginRequestsWithAValidCookieAreRefusedByTheOriginCheck() {
    String cookie = Pairing.register(api, "origin@example.com");
    String token = Pairing.pairDevice(api, cookie, "Origin laptop");
    String id = deviceId(token);
    JsonObject rename = new JsonObject().put("name", "Renamed by evil");

    Response evil = api.web(HttpMethod.PATCH, "/api/web/devices/" + id, cookie, EVIL, rename);
    assertEquals(403, evil.status, evil.toString());
    assertEquals("Cross-origin request refused", evil.error());
    assertEquals(403, api.web(HttpMethod.DELETE, "/api/web/devices/" + id, cookie, EVIL, null).status);
    assertEquals(403, api.web(HttpMethod.POST, "/api/web/sign-out-everywhere", cookie, EVIL, new JsonObject()).status);
    assertEquals(403, api.web(HttpMethod.POST, "/api/auth/password", cookie, EVIL,
        new JsonObject().put("current_password", "password for origin@example.com").put("new_password", "evil's choice!")).status);
    assertEquals(403, api.web(HttpMethod.GET, "/api/web/overview", cookie, EVIL, null).status);
    Response init = api.post("/api/sync/init", null, new JsonObject().put("device_name", "Phished").put("device_type", "desktop"));
    String temp = init.data().getString("temp_token");
    // a claim complete in every other way (the right password too) is still refused for its origin
    assertEquals(403, api.web(HttpMethod.POST, "/api/sync/claim", cookie, EVIL, new JsonObject().put("temp_token", temp)
        .put("password", Pairing.passwordOf("origin@example.com"))).status);

    // nothing happened: the device keeps its name and works, the password is unchanged, the claim is not made
    assertEquals("Origin laptop", api.get("/api/devices", token).body.getJsonArray("data").getJsonObject(0).getString("name"));
    assertEquals(200, api.get("/api/sync/config", token).status);
    assertEquals("Token not yet authorized. Complete login first.",
        api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp)).error());
    Response login = api.post("/api/auth/login", null, new JsonObject().put("email", "origin@example.com")
        .put("password", "password for origin@example.com"));
    assertEquals(200, login.status);

    // the same requests from the page's own origin succeed: the cookie was valid all along
    Response own = api.web(HttpMethod.PATCH, "/api/web/devices/" + id, cookie, ORIGIN, rename);
    assertEquals(200, own.status, own.toString());
    assertEquals("Renamed by evil", own.data().getString("name"));
  }

  @Test
  void oneAccountsCookieReachesNothingOfAnother() throws Exception {
    String alice = Pairing.register(api, "alice.idor@example.com");
    String aliceToken = Pairing.pairDevice(api, alice, "Alice laptop");
    String aliceDevice = deviceId(aliceToken);
    String bob = Pairing.register(api, "bob.idor@example.com");

    // Alice's audit has her device (so a leak would be visible), Bob's never does
    long deadline = System.currentTimeMillis() + 30_000;
    while (!api.web(HttpMethod.GET, "/api/web/audit", alice, ORIGIN, null).body.encode().contains(aliceDevice)
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(api.web(HttpMethod.GET, "/api/web/audit", alice, ORIGIN, null).body.encode().contains(aliceDevice));
    Response bobAudit = api.web(HttpMethod.GET, "/api/web/audit", bob, ORIGIN, null);
    assertEquals(200, bobAudit.status);
    assertFalse(bobAudit.body.encode().contains(aliceDevice), bobAudit.toString());
    assertFalse(bobAudit.body.encode().contains("alice"), bobAudit.toString());

    JsonArray bobDevices = api.web(HttpMethod.GET, "/api/web/devices", bob, ORIGIN, null).body.getJsonArray("data");
    assertEquals(0, bobDevices.size());
    assertEquals(0, api.web(HttpMethod.GET, "/api/web/overview", bob, ORIGIN, null).data().getInteger("device_count"));

    Response rename = api.web(HttpMethod.PATCH, "/api/web/devices/" + aliceDevice, bob, ORIGIN,
        new JsonObject().put("name", "Bob's now"));
    assertEquals(404, rename.status, rename.toString());
    Response revoke = api.web(HttpMethod.DELETE, "/api/web/devices/" + aliceDevice, bob, ORIGIN, null);
    assertEquals(404, revoke.status, revoke.toString());
    assertEquals(200, api.web(HttpMethod.POST, "/api/web/sign-out-everywhere", bob, ORIGIN, new JsonObject()).status);

    JsonObject device = api.web(HttpMethod.GET, "/api/web/devices", alice, ORIGIN, null).body.getJsonArray("data").getJsonObject(0);
    assertEquals("Alice laptop", device.getString("name"));
    assertEquals("active", device.getString("status"));
    assertEquals(200, api.get("/api/sync/config", aliceToken).status, "Alice's device still works");
    assertEquals("alice.idor@example.com", api.web(HttpMethod.GET, "/api/auth/me", alice, ORIGIN, null).data().getString("email"));
  }

  @Test
  void logoutEndsTheLoginOnTheServer() {
    String cookie = Pairing.register(api, "logout@example.com");
    String other = Pairing.register(api, "logout.other@example.com");
    for (int i = 0; i < 6; i++) { // warm the cache of both gateway instances
      assertEquals(200, api.web(HttpMethod.GET, "/api/web/overview", cookie, ORIGIN, null).status);
    }
    Response out = api.web(HttpMethod.POST, "/api/auth/logout", cookie, ORIGIN, new JsonObject());
    assertEquals(200, out.status);
    assertEquals("Signed out", out.body.getString("message"));
    for (int i = 0; i < 6; i++) { // the old cookie value, replayed, on every instance
      Response replay = api.web(HttpMethod.GET, "/api/web/overview", cookie, ORIGIN, null);
      assertEquals(401, replay.status, "replay " + i + ": " + replay);
      assertEquals(401, api.web(HttpMethod.GET, "/api/auth/me", cookie, ORIGIN, null).status);
    }
    assertEquals(200, api.web(HttpMethod.GET, "/api/web/overview", other, ORIGIN, null).status, "other logins go on");
  }

  @Test
  void blobUploadsAreLimitedEndToEnd() {
    String cookie = Pairing.register(api, "blob.limit@example.com");
    String token = Pairing.pairDevice(api, cookie, "Blob laptop");
    // larger than the JSON routes' 16 KiB, smaller than the blob limit: accepted on the blob route
    Response ok = api.put("/api/sync/data/history", token, blob(32 * 1024));
    assertEquals(200, ok.status, ok.toString());
    Response big = api.put("/api/sync/data/history", token, blob((int) MAX_BLOB_BODY));
    assertEquals(413, big.status, big.toString());
    assertEquals(false, big.body.getBoolean("success"));
    assertEquals("Request body too large", big.error());
    assertEquals(ok.data().getValue("version"), api.get("/api/sync/data/history", token).data().getValue("version"));
  }

  @Test
  void deviceNamesWithControlOrBidiCharactersAre400() {
    for (String name : new String[] {"Work\u202Elaptop", "Work\u0000laptop", "Work\u2066laptop", "Work\u0085laptop"}) {
      Response r = api.post("/api/sync/init", null, new JsonObject().put("device_name", name).put("device_type", "desktop"));
      assertEquals(400, r.status, r.toString());
      assertEquals("device_name must not contain control or bidirectional formatting characters", r.error());
    }
  }

  /** A lone UTF-16 surrogate (valid JSON escape, no character) in a name is the client's mistake: 400, not 500. */
  @Test
  void aLoneSurrogateInADeviceNameIs400() {
    for (String escaped : new String[] {"\\ud800", "Work \\udfff laptop", "\\udc00\\ud800"}) {
      Response r = api.send(HttpMethod.POST, "/api/sync/init", null,
          Buffer.buffer("{\"device_name\":\"" + escaped + "\",\"device_type\":\"desktop\"}"),
          Map.of("Content-Type", "application/json"));
      assertEquals(400, r.status, r.toString());
      assertEquals(false, r.body.getBoolean("success"));
      assertEquals("device_name must be valid Unicode text", r.error());
    }
    Response paired = api.send(HttpMethod.POST, "/api/sync/init", null,
        Buffer.buffer("{\"device_name\":\"Dad\\ud83d\\udc27\",\"device_type\":\"desktop\"}"),
        Map.of("Content-Type", "application/json"));
    assertEquals(200, paired.status, paired.toString()); // a pair of surrogates (🐧) is a character
  }

  @Test
  void theClientBehindATrustedProxyRangeReachesTheAuditLogAndTheFail2banLine() throws Exception {
    String cookie = Pairing.register(api, "proxied@example.com");
    ch.qos.logback.classic.Logger security =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("flamingo.security");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    security.addAppender(lines);
    try {
      Response failed = api.send(HttpMethod.POST, "/api/auth/login", null,
          Buffer.buffer(new JsonObject().put("email", "proxied@example.com").put("password", "not the password").encode()),
          Map.of("X-Forwarded-For", "198.51.100.23, 10.0.0.1", "Origin", ORIGIN)); // 10.0.0.1: not a trusted hop
      assertEquals(401, failed.status);
      Response proxied = api.send(HttpMethod.POST, "/api/auth/login", null,
          Buffer.buffer(new JsonObject().put("email", "proxied@example.com").put("password", "wrong again").encode()),
          Map.of("X-Forwarded-For", "203.0.113.77, 127.0.0.9", "Origin", ORIGIN)); // 127.0.0.9: a trusted hop, skipped
      assertEquals(401, proxied.status);
      // the access log writes its line once the response has gone out: wait for both lines
      long until = System.currentTimeMillis() + 30_000;
      while (!(logged(lines, "auth-failure ip=10.0.0.1 ") && logged(lines, "auth-failure ip=203.0.113.77 "))
          && System.currentTimeMillis() < until) {
        Thread.sleep(20);
      }
    } finally {
      security.detachAppender(lines);
    }
    assertTrue(logged(lines, "auth-failure ip=10.0.0.1 "), lines.list.toString());
    assertTrue(logged(lines, "auth-failure ip=203.0.113.77 "), lines.list.toString());
    long deadline = System.currentTimeMillis() + 30_000;
    String audit = "";
    while (!audit.contains("203.0.113.77") && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      audit = api.web(HttpMethod.GET, "/api/web/audit", cookie, ORIGIN, null).body.encode();
    }
    assertTrue(audit.contains("\"203.0.113.77\""), "the failed login is audited with the client's address: " + audit);
    assertFalse(audit.contains("127.0.0.9"), audit);
  }

  /** Whether a line starting with {@code prefix} was appended (the appender appends under its own lock). */
  static boolean logged(ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines,
      String prefix) {
    synchronized (lines) {
      return lines.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith(prefix));
    }
  }

  static JsonObject blob(int base64Length) {
    byte[] bytes = Tokens.randomBytes(base64Length / 4 * 3);
    return new JsonObject().put("encrypted_blob", Base64.getEncoder().encodeToString(bytes))
        .put("nonce", Base64.getEncoder().encodeToString(Tokens.randomBytes(12)));
  }
}
