package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.account.PasswordReset;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.security.KeyCustody;
import dev.flamingo.sync.data.key.KeyService;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped client's key flows over HTTP under key custody, on the one-box server: the first device stores
 * the key, the second gets it, a blind PUT is 409, rotation with If-Match, token rotation, revocation, a
 * password change, an account from before key custody converted at sign-in, and an operator's password
 * reset (the key is lost, clearly, until the app rotates it).
 */
class KeyCustodyFlowsTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static OneBoxServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String newKey() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  static String key(String token) {
    Response r = api.get("/api/sync/key", token);
    assertEquals(200, r.status, r.toString());
    return r.data() == null ? null : r.data().getString("master_key");
  }

  static Response putKey(String token, String key, String ifMatch) {
    Map<String, String> headers = ifMatch == null ? Map.of("Content-Type", "application/json")
        : Map.of("Content-Type", "application/json", "If-Match", ifMatch);
    return api.send(HttpMethod.PUT, "/api/sync/key", token,
        Buffer.buffer(new JsonObject().put("master_key", key).encode()), headers);
  }

  static Object scalar(String sql, Object param) throws Exception {
    try (Connection c = server.db().connect(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, param);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getObject(1) : null;
      }
    }
  }

  static int update(String sql, Object param) throws Exception {
    try (Connection c = server.db().connect(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, param);
      return s.executeUpdate();
    }
  }

  /** The login cookie ("flamingo_login=…") an answer sets. */
  static String loginCookie(Response r) {
    return r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst()
        .map(c -> c.substring(0, c.indexOf(';'))).orElseThrow();
  }

  static long accountOf(String email) throws Exception {
    return ((Number) scalar("select id from auth.accounts where email = ?", email)).longValue();
  }

  @Test
  void theShippedClientsKeyFlowsKeepWorking() throws Exception {
    String cookie = Pairing.register(api, "flows@example.com");
    String laptop = Pairing.pairDevice(api, cookie, "Laptop");
    String desktop = Pairing.pairDevice(api, cookie, "Desktop");
    assertNull(key(laptop), "no key yet: data null");

    String first = newKey();
    Response put = putKey(laptop, first, null);
    assertEquals(200, put.status, put.toString());
    assertEquals(1, put.data().getInteger("version"));
    assertEquals(first, key(desktop), "the second device gets the existing key");
    Response blind = putKey(desktop, newKey(), null);
    assertEquals(409, blind.status, "a blind PUT over the key: " + blind);
    assertEquals(first, key(laptop));

    String second = newKey();
    Response rotated = putKey(desktop, second, "\"1\"");
    assertEquals(200, rotated.status, rotated.toString());
    assertEquals(2, rotated.data().getInteger("version"));
    assertEquals(second, key(laptop));

    // token rotation keeps the key
    Response rot = api.post("/api/sync/rotate", laptop, new JsonObject());
    assertEquals(200, rot.status, rot.toString());
    String laptop2 = rot.data().getString("session_token");
    assertEquals(second, key(laptop2));
    assertEquals(401, api.get("/api/sync/key", laptop).status, "the old token is gone");

    // a client cannot hand the gateway an account key of its own: the fields are overwritten
    String third = newKey();
    Response forged = api.put("/api/sync/key", desktop, new JsonObject().put("master_key", third)
        .put("expected_version", 2).put("custody", false).put("account_key", newKey())
        .put("account_key_id", java.util.UUID.randomUUID().toString()));
    assertEquals(200, forged.status, forged.toString());
    assertEquals(third, key(laptop2), "stored under the account's real key: every device reads it");
    assertNotNull(scalar("select account_key_id from data.master_keys where account_id = ?",
        accountOf("flows@example.com")), "and under key custody, whatever the body said");

    // a revoked device cannot read the key; the other still does
    Response devices = api.get("/api/devices", desktop);
    String desktopId = devices.body.getJsonArray("data").stream().map(JsonObject.class::cast)
        .filter(d -> d.getBoolean("is_current")).findFirst().orElseThrow().getString("id");
    assertEquals(200, api.send(HttpMethod.DELETE, "/api/devices/" + desktopId, laptop2, null, Map.of()).status);
    DeviceFlowClusterTest.assertRejectedByEviction(api, desktop);
    assertEquals(third, key(laptop2));
  }

  @Test
  void aPasswordChangeKeepsEveryPairedDeviceReadingTheKey() throws Exception {
    String email = "change@example.com";
    String cookie = Pairing.register(api, email);
    String a = Pairing.pairDevice(api, cookie, "A");
    String b = Pairing.pairDevice(api, cookie, "B");
    String k = newKey();
    assertEquals(200, putKey(a, k, null).status);
    Response change = api.send(HttpMethod.POST, "/api/auth/password", null,
        Buffer.buffer(new JsonObject().put("current_password", Pairing.passwordOf(email))
            .put("new_password", "the new password of change").encode()),
        Map.of("Cookie", cookie, "Content-Type", "application/json"));
    assertEquals(200, change.status, change.toString());
    String newCookie = loginCookie(change);
    assertEquals(k, key(a));
    assertEquals(k, key(b));
    String c = Pairing.pairDevice(api, newCookie, "the new password of change", "C");
    assertEquals(k, key(c));
  }

  @Test
  void aKeyFromBeforeKeyCustodyIsConvertedAtSignInAndOldSessionsMustPairAgain() throws Exception {
    String email = "legacy@example.com";
    String cookie = Pairing.register(api, email);
    String old = Pairing.pairDevice(api, cookie, "Paired before the upgrade");
    long account = accountOf(email);
    // the state before key custody: no account key, no grants, a key under the KEK alone (an old gateway's PUT)
    assertEquals(1, update("delete from auth.account_keys where account_id = ?", account));
    update("update auth.sessions set key_grant = null where account_id = ?", account);
    String k = newKey();
    server.vertx().eventBus().request(Addresses.DATA_KEY_PUT, new JsonObject().put("master_key", k),
        RequestContext.anonymous("t", "127.0.0.1", "test").withAccount(account, null, null).toDeliveryOptions(10_000))
        .await();
    assertNull(scalar("select account_key_id from data.master_keys where account_id = ?", account));
    assertEquals(k, key(old), "served as before until the password is entered");

    Response login = api.post("/api/auth/login", null, new JsonObject().put("email", email)
        .put("password", Pairing.passwordOf(email)));
    assertEquals(200, login.status, login.toString());
    Object akId = scalar("select key_id from auth.account_keys where account_id = ?", account);
    assertNotNull(akId, "the account key is made at sign-in");
    long deadline = System.currentTimeMillis() + 30_000;
    while (scalar("select account_key_id from data.master_keys where account_id = ?", account) == null
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(akId, scalar("select account_key_id from data.master_keys where account_id = ?", account),
        "the master key is converted to it");

    Response refused = api.get("/api/sync/key", old);
    assertEquals(403, refused.status, refused.toString());
    assertEquals(KeyService.NO_ACCESS, refused.error());
    assertEquals(403, putKey(old, newKey(), null).status, "and it cannot replace it");
    String fresh = Pairing.pairDevice(api, cookie, "Paired again");
    assertEquals(k, key(fresh), "paired again, it reads the same key");
  }

  @Test
  void anOperatorsResetLosesTheKeyClearlyUntilTheAppRotatesIt() throws Exception {
    String email = "forgot@example.com";
    String cookie = Pairing.register(api, email);
    String before = Pairing.pairDevice(api, cookie, "Before");
    String k = newKey();
    assertEquals(200, putKey(before, k, null).status);

    String newPassword = "the operator set this one";
    Pool pool = Database.pool(server.vertx(), new Settings(TestConfig.base(server.db().url())), "auth");
    try {
      new PasswordReset(server.vertx(), pool).reset(email, newPassword).await();
    } finally {
      pool.close().await();
    }
    // the reset ran outside the cluster (a command on the database): a gateway may still hold the session in its
    // auth cache for FLAMINGO_AUTH_CACHE_SECONDS, but the key is refused at once (the grant is checked each time)
    assertEquals(401, api.get("/api/sync/key", before).status, "the key for a session the reset ended");
    Response signIn = api.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", newPassword));
    assertEquals(200, signIn.status, signIn.toString());
    String newCookie = loginCookie(signIn);
    String after = Pairing.pairDevice(api, newCookie, newPassword, "After");

    Response lost = api.get("/api/sync/key", after);
    assertEquals(409, lost.status, lost.toString());
    assertEquals(KeyService.LOST, lost.error());
    assertTrue(lost.error().contains("password was reset"), lost.error());
    Response blind = putKey(after, newKey(), null);
    assertEquals(409, blind.status, "no silent new key: " + blind);
    assertEquals(KeyService.LOST, blind.error());

    String replaced = newKey();
    Response rotate = putKey(after, replaced, "\"1\"");
    assertEquals(200, rotate.status, rotate.toString());
    assertEquals(2, rotate.data().getInteger("version"));
    assertEquals(replaced, key(after));
    String another = Pairing.pairDevice(api, newCookie, newPassword, "Another");
    assertEquals(replaced, key(another));
    assertTrue(KeyCustody.keyFromBase64(replaced) != null);
  }
}
