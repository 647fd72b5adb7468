package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.gateway.GatewayVerticle;
import dev.flamingo.sync.gateway.limits.RateLimits;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The device flow end to end over a real Hazelcast cluster: two gateways, auth-service, data-service
 * and device-service, each its own clustered Vert.x node on loopback, against a real PostgreSQL.
 * Everything is driven over HTTP, as the desktop client and the browser do.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeviceFlowClusterTest {
  /** The rate limits' clock, held still at the start of every window (a whole hour): no window ends mid-test. */
  static final long WINDOW_START = 1_800_000_000_000L;
  static final String TEMP = "^flm_temp_[0-9a-f]{64}$";
  static final String SESSION = "^flm_sync_[0-9a-f]{128}$";

  @RegisterExtension
  static final ServiceNodes nodes = new ServiceNodes(5);
  static ApiClient gw1;
  static ApiClient gw2;

  static String cookie;
  static String tempToken;
  static String sessionToken;

  @BeforeAll
  static void start() {
    nodes.startServices(0, 1, 4);
    GatewayVerticle first = new GatewayVerticle(new RateLimits(() -> WINDOW_START));
    GatewayVerticle second = new GatewayVerticle(new RateLimits(() -> WINDOW_START));
    nodes.start(2, first);
    nodes.start(3, second, nodes.config.copy().put(Settings.RATE_LIMIT_INIT, "3/60"));
    gw1 = nodes.client(first);
    gw2 = nodes.client(second);
  }

  @Test
  @Order(1)
  void clusterHasFiveMembersTalkingOverTheBus() throws InterruptedException {
    // readiness pings every service over the bus with a short timeout: on a loaded machine the first pings
    // after start may time out, so poll (30 s) until all three answer
    String checks;
    long deadline = System.currentTimeMillis() + 30_000;
    do {
      checks = gw2.get("/health/ready", null).body.getJsonArray("checks").encode();
      if (!checks.contains("DOWN")) {
        break;
      }
      Thread.sleep(200);
    } while (System.currentTimeMillis() < deadline);
    assertTrue(checks.contains("{\"id\":\"auth\",\"status\":\"UP\"}"), checks);
    assertTrue(checks.contains("{\"id\":\"data\",\"status\":\"UP\"}"), checks);
    assertTrue(checks.contains("{\"id\":\"device\",\"status\":\"UP\"}"), checks);
  }

  @Test
  @Order(2)
  void initReturnsTempTokenAndLoginUrl() {
    Response r = gw1.post("/api/sync/init", null, new JsonObject().put("device_name", "Linux x86_64").put("device_type", "desktop"));
    assertEquals(200, r.status, r.toString());
    assertEquals(true, r.body.getBoolean("success"));
    JsonObject data = r.data();
    tempToken = data.getString("temp_token");
    assertTrue(tempToken.matches(TEMP), tempToken);
    assertEquals("http://flamingo.test/login?token=" + tempToken, data.getString("login_url"));
    assertEquals(300, data.getInteger("expires_in"));
  }

  @Test
  @Order(3)
  void tokenBeforeClaimIsNotYetAuthorized() {
    Response r = gw2.post("/api/sync/token", null, new JsonObject().put("temp_token", tempToken));
    assertEquals(400, r.status);
    assertEquals(false, r.body.getBoolean("success"));
    assertEquals("Token not yet authorized. Complete login first.", r.error());
  }

  @Test
  @Order(4)
  void registerSetsAnHttpOnlySameSiteCookie() {
    Response r = gw1.post("/api/auth/register", null, new JsonObject().put("email", "Ada@Example.com").put("password", "correct horse battery"));
    assertEquals(200, r.status, r.toString());
    assertEquals("ada@example.com", r.data().getString("email"));
    assertNull(r.data().getValue("browser_token"), "the login token never goes into a body");
    String setCookie = r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
    assertTrue(setCookie.toLowerCase().contains("httponly"), setCookie);
    assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
    cookie = setCookie.substring(0, setCookie.indexOf(';'));
    Response again = gw1.post("/api/auth/register", null, new JsonObject().put("email", "ada@example.com").put("password", "another password"));
    assertEquals(409, again.status);
    Response login = gw2.post("/api/auth/login", null, new JsonObject().put("email", "ada@example.com").put("password", "correct horse battery"));
    assertEquals(200, login.status);
    Response wrong = gw2.post("/api/auth/login", null, new JsonObject().put("email", "ada@example.com").put("password", "wrong password"));
    assertEquals(401, wrong.status);
    assertEquals("Invalid email or password", wrong.error());
  }

  @Test
  @Order(5)
  void claimWithTheBrowserLoginOnTheOtherGateway() {
    Response noPassword = withCookie(gw2, "/api/sync/claim", cookie, new JsonObject().put("temp_token", tempToken));
    assertEquals(400, noPassword.status, noPassword.toString());
    assertEquals("Confirm your password to give this device your encryption key", noPassword.error());
    Response wrongPassword = withCookie(gw2, "/api/sync/claim", cookie,
        new JsonObject().put("temp_token", tempToken).put("password", "not the password"));
    assertEquals(400, wrongPassword.status, wrongPassword.toString());
    assertEquals("The password is wrong", wrongPassword.error());
    Response r = withCookie(gw2, "/api/sync/claim", cookie,
        new JsonObject().put("temp_token", tempToken).put("password", "correct horse battery"));
    assertEquals(200, r.status, r.toString());
    assertEquals("Token claimed successfully", r.body.getString("message"));
    assertNull(r.body.getValue("data"));
    Response again = withCookie(gw1, "/api/sync/claim", cookie,
        new JsonObject().put("temp_token", tempToken).put("password", "correct horse battery"));
    assertEquals(200, again.status);
    assertEquals("Token already claimed", again.body.getString("message"));
    Response noLogin = gw1.post("/api/sync/claim", null, new JsonObject().put("temp_token", tempToken));
    assertEquals(401, noLogin.status);
  }

  @Test
  @Order(6)
  void claimByAnotherAccountIsRefused() {
    Response other = gw1.post("/api/auth/register", null, new JsonObject().put("email", "eve@example.com").put("password", "eve's password"));
    assertEquals(200, other.status);
    String eve = other.raw.cookies().get(0).split(";")[0];
    Response r = withCookie(gw1, "/api/sync/claim", eve,
        new JsonObject().put("temp_token", tempToken).put("password", "eve's password"));
    assertEquals(409, r.status);
    assertNotNull(r.error());
  }

  @Test
  @Order(7)
  void tokenExchangeGivesExactlyOneSession() {
    Instant before = Instant.now();
    Response r = gw1.post("/api/sync/token", null, new JsonObject().put("temp_token", tempToken));
    Instant after = Instant.now();
    assertEquals(200, r.status, r.toString());
    JsonObject data = r.data();
    sessionToken = data.getString("session_token");
    assertTrue(sessionToken.matches(SESSION));
    assertEquals(sessionToken.substring(0, 16), data.getString("token_prefix"));
    Instant expires = Instant.parse(data.getString("expires_at"));
    // 90 days from the exchange, which happened between before and after (no bound on how long it took)
    assertTrue(!expires.isBefore(before.plus(90, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS))
        && !expires.isAfter(after.plus(90, ChronoUnit.DAYS)), "a 90-day session: " + expires + " after " + before);
    assertEquals(true, data.getBoolean("is_new_device"));
    JsonObject config = data.getJsonObject("sync_config");
    for (String key : new String[] {"sync_history", "sync_environments", "sync_secrets", "sync_collections", "sync_settings"}) {
      assertEquals(true, config.getBoolean(key), key);
    }
    Response second = gw2.post("/api/sync/token", null, new JsonObject().put("temp_token", tempToken));
    assertEquals(400, second.status);
    assertEquals("Invalid token", second.error());
  }

  @Test
  @Order(8)
  void sessionWorksOnBothGateways() {
    Response a = gw1.get("/api/sync/config", sessionToken);
    Response b = gw2.get("/api/sync/config", sessionToken);
    assertEquals(200, a.status, a.toString());
    assertEquals(200, b.status, b.toString());
    assertEquals(true, a.data().getBoolean("sync_history"));
  }

  @Test
  @Order(9)
  void rotateKillsTheOldTokenOnEveryGateway() throws InterruptedException {
    assertEquals(200, gw2.get("/api/sync/config", sessionToken).status); // cached on gateway 2
    Response r = gw1.post("/api/sync/rotate", sessionToken, null);
    assertEquals(200, r.status, r.toString());
    String rotated = r.data().getString("session_token");
    assertTrue(rotated.matches(SESSION));
    assertNotEquals(sessionToken, rotated);
    assertEquals(rotated.substring(0, 16), r.data().getString("token_prefix"));
    assertNotNull(Instant.parse(r.data().getString("expires_at")));
    assertEquals(401, gw1.get("/api/sync/config", sessionToken).status);
    assertRejectedByEviction(gw2, sessionToken);
    assertEquals(200, gw2.get("/api/sync/config", rotated).status);
    sessionToken = rotated;
  }

  @Test
  @Order(10)
  void revokeEndsTheCallingSessionEverywhere() throws InterruptedException {
    assertEquals(200, gw1.get("/api/sync/config", sessionToken).status); // cached on gateway 1
    Response r = gw2.post("/api/sync/revoke", sessionToken, null);
    assertEquals(200, r.status, r.toString());
    assertEquals("Session revoked", r.body.getString("message"));
    assertRejectedByEviction(gw1, sessionToken);
    assertEquals(401, gw2.post("/api/sync/revoke", sessionToken, null).status);
  }

  @Test
  @Order(11)
  void badInputsAreJsonErrorsNeverServerErrors() {
    Map<String, JsonObject> inits = new HashMap<>();
    inits.put("missing", new JsonObject());
    inits.put("number", new JsonObject().put("device_name", 5).put("device_type", "desktop"));
    inits.put("null", new JsonObject().putNull("device_name").put("device_type", "desktop"));
    inits.forEach((name, body) -> {
      Response r = gw1.post("/api/sync/init", null, body);
      assertEquals(400, r.status, name + ": " + r);
      assertEquals(false, r.body.getBoolean("success"));
    });
    for (Object token : new Object[] {123, "flm_temp_nothex", "flm_temp_" + "a".repeat(64), ""}) {
      Response r = gw1.post("/api/sync/token", null, new JsonObject().put("temp_token", token));
      assertEquals(400, r.status, token + ": " + r);
      assertEquals("Invalid token", r.error(), String.valueOf(token));
    }
    Response noBody = gw1.post("/api/sync/token", null, null);
    assertEquals(400, noBody.status);
    Response badLogin = gw1.post("/api/auth/login", null, new JsonObject().put("email", 1).put("password", true));
    assertEquals(400, badLogin.status, badLogin.toString());
    Response unknownBearer = gw1.get("/api/sync/config", "flm_sync_" + "0".repeat(128));
    assertEquals(401, unknownBearer.status);
  }

  @Test
  @Order(12)
  void initIsRateLimitedPerClientIp() {
    int limited = 0;
    for (int i = 0; i < 5; i++) {
      Response r = gw2.post("/api/sync/init", null, new JsonObject().put("device_name", "n").put("device_type", "desktop"));
      if (r.status == 429) {
        limited++;
        assertNotNull(r.header("Retry-After"));
      } else {
        assertEquals(200, r.status);
      }
    }
    assertEquals(2, limited);
  }

  @Test
  @Order(13)
  void revokingADeviceFromAnotherEndsItOnBothGateways() throws InterruptedException {
    String cookie = Pairing.register(gw1, "two@example.com");
    String phone = Pairing.pairDevice(gw1, cookie, "Phone");
    String laptop = Pairing.pairDevice(gw1, cookie, "Laptop"); // gateway 2 has a tight init limit
    assertEquals(200, gw1.get("/api/sync/config", laptop).status); // cached on both gateways
    assertEquals(200, gw2.get("/api/sync/config", laptop).status);

    Response list = gw2.get("/api/devices", phone);
    assertEquals(200, list.status, list.toString());
    var devices = list.body.getJsonArray("data");
    assertEquals(2, devices.size());
    String laptopId = null;
    for (Object o : devices) {
      JsonObject d = (JsonObject) o;
      if ("Laptop".equals(d.getString("name"))) {
        laptopId = d.getString("id");
        assertEquals(false, d.getBoolean("is_current"));
      } else {
        assertEquals(true, d.getBoolean("is_current"));
      }
    }
    Response revoke = gw1.delete("/api/devices/" + laptopId, phone);
    assertEquals(200, revoke.status, revoke.toString());
    assertEquals("Device revoked", revoke.body.getString("message"));
    assertRejectedByEviction(gw1, laptop);
    assertRejectedByEviction(gw2, laptop);
    assertEquals(200, gw2.get("/api/sync/config", phone).status, "the other device is untouched");
    assertEquals(404, gw2.delete("/api/devices/" + laptopId, phone).status);

    long deadline = System.currentTimeMillis() + 30_000;
    String audit;
    do {
      audit = gw2.get("/api/audit", phone).body.getJsonArray("data").encode();
      if (audit.contains("device.revoked")) {
        break;
      }
      Thread.sleep(100);
    } while (System.currentTimeMillis() < deadline);
    assertTrue(audit.contains("\"event_type\":\"device.revoked\""), audit);
    assertTrue(audit.contains("\"event_type\":\"sync.token\""), audit);
    assertTrue(audit.contains("\"ip_address\":\"127.0.0.1\""), audit);
  }

  @Test
  @Order(14)
  void encryptedDataThroughBothGatewaysWithConditionalHeaders() throws Exception {
    String cookie = Pairing.register(gw1, "data@example.com");
    String a = Pairing.pairDevice(gw1, cookie, "A");
    String b = Pairing.pairDevice(gw1, cookie, "B");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String keyB64 = Base64.getEncoder().encodeToString(key);
    assertEquals(1, gw1.put("/api/sync/key", a, new JsonObject().put("master_key", keyB64)).data().getInteger("version"));
    Response refused = gw2.put("/api/sync/key", b, new JsonObject().put("master_key", Base64.getEncoder().encodeToString(new byte[32])));
    assertEquals(409, refused.status);
    assertEquals(1, refused.data().getInteger("version"));
    assertEquals(keyB64, gw2.get("/api/sync/key", b).data().getString("master_key"));

    Response put = gw1.put("/api/sync/data/environment", a, StandaloneFlowTest.encrypt(key, "[{\"name\":\"prod\"}]"));
    assertEquals(200, put.status, put.toString());
    long version = put.data().getLong("version");
    assertEquals("\"" + version + "\"", put.header("ETag"));
    Response get = gw2.get("/api/sync/data/environment", b);
    assertEquals("\"" + version + "\"", get.header("ETag"));
    assertNotNull(get.header("Last-Modified"));
    assertEquals("[{\"name\":\"prod\"}]", StandaloneFlowTest.decrypt(key, get.data()));
    Response notModified = gw2.send(HttpMethod.GET, "/api/sync/data/environment", b, null, Map.of("If-None-Match", get.header("ETag")));
    assertEquals(304, notModified.status);

    Response newer = gw2.put("/api/sync/data/environment", b, StandaloneFlowTest.encrypt(key, "[]"));
    assertEquals(200, newer.status);
    Response stale = gw1.send(HttpMethod.PUT, "/api/sync/data/environment", a,
        Buffer.buffer(StandaloneFlowTest.encrypt(key, "[{\"stale\":true}]").encode()),
        Map.of("If-Match", "\"" + version + "\"", "Content-Type", "application/json"));
    assertEquals(412, stale.status, stale.toString());
    assertEquals(newer.data().getLong("version"), stale.data().getLong("version"));
    assertEquals("[]", StandaloneFlowTest.decrypt(key, gw1.get("/api/sync/data/environment", a).data()));

    Response since = gw1.get("/api/sync/data?since=" + version, a);
    assertEquals(1, since.data().getInteger("count"));
    assertEquals(400, gw1.get("/api/sync/data?since=yesterday", a).status);
    Response bad = gw1.put("/api/sync/data/environment", a, new JsonObject().put("encrypted_blob", "not base64!").put("nonce", "AAAAAAAAAAAAAAAA"));
    assertEquals(400, bad.status);
    assertEquals(400, gw1.get("/api/sync/data/passwords", a).status);
    Response cleared = gw2.delete("/api/sync/data/environment", b);
    assertEquals("Synced environment cleared", cleared.body.getString("message"));
    Response missing = gw1.get("/api/sync/data/environment", a);
    assertEquals(404, missing.status);
    assertTrue(missing.error().contains("Not found"));
    assertEquals(200, gw1.post("/api/sync/revoke", a, null).status);
    assertEquals(200, gw1.post("/api/sync/revoke", b, null).status);
    String c = Pairing.pairDevice(gw1, cookie, "C");
    assertEquals(keyB64, gw2.get("/api/sync/key", c).data().getString("master_key"), "revoking every session never loses the key");
  }

  static Response withCookie(ApiClient api, String path, String cookie, JsonObject body) {
    return api.send(HttpMethod.POST, path, null, Buffer.buffer(body.encode()),
        Map.of("Cookie", cookie, "Content-Type", "application/json"));
  }

  /**
   * The revoked {@code token} is refused by the gateway behind {@code api}, polled for up to 30 s. Only the
   * eviction can do that in time: the tests' gateways cache a validated token for an hour
   * ({@link TestConfig#AUTH_CACHE_SECONDS}), so a token the gateway had cached and that it refuses within the
   * deadline was evicted, never merely expired. How fast evictions travel is measured by the bench, not here.
   */
  static void assertRejectedByEviction(ApiClient api, String token) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    int status;
    do {
      status = api.get("/api/sync/config", token).status;
      if (status == 401) {
        return;
      }
      Thread.sleep(50);
    } while (System.currentTimeMillis() < deadline);
    assertEquals(401, status, "revoked token still accepted after 30 s (the cache alone would keep it an hour)");
  }
}
