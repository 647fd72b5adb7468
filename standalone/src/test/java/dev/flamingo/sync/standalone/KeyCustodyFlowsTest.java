package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.account.PasswordReset;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
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
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped client's key flows over HTTP under key custody, on the one-box server: the first device stores
 * the key, the second gets it, a blind PUT is 409, rotation with If-Match, token rotation, revocation (of a
 * device by another, and of a session by itself), a password change, an account from before key custody
 * converted at sign-in, and an operator's password reset (the key is lost, clearly, until the app rotates it);
 * custody fields a client sends in a PUT body are ignored throughout.
 *
 * <p>Pairing is done here (init → claim with the login cookie and the password → token), not with
 * {@link Pairing}, so that these flows do not move when that helper does.
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

  // ---- what the client and the browser do ----

  static String passwordOf(String email) {
    return "the password of " + email;
  }

  /** Registers {@code email} with {@link #passwordOf} and returns the login cookie ("flamingo_login=…"). */
  static String register(String email) {
    Response r = api.post("/api/auth/register", null,
        new JsonObject().put("email", email).put("password", passwordOf(email)));
    assertEquals(200, r.status, r.toString());
    return loginCookie(r);
  }

  /** The claim of a temp token by the signed-in browser (the login cookie) with the account's password. */
  static Response claim(String cookie, String password, String temp) {
    JsonObject body = new JsonObject().put("temp_token", temp);
    if (password != null) {
      body.put("password", password);
    }
    return api.send(HttpMethod.POST, "/api/sync/claim", null, Buffer.buffer(body.encode()),
        Map.of("Cookie", cookie, "Content-Type", "application/json"));
  }

  /** init → claim (the cookie and the password) → token: the new device's session token. */
  static String pair(String cookie, String password, String deviceName) {
    Response init = api.post("/api/sync/init", null,
        new JsonObject().put("device_name", deviceName).put("device_type", "desktop"));
    assertEquals(200, init.status, init.toString());
    String temp = init.data().getString("temp_token");
    Response claim = claim(cookie, password, temp);
    assertEquals(200, claim.status, claim.toString());
    Response token = api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
    assertEquals(200, token.status, token.toString());
    String session = token.data().getString("session_token");
    assertNotNull(session, token.toString());
    return session;
  }

  /** The login cookie ("flamingo_login=…") an answer sets. */
  static String loginCookie(Response r) {
    return r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst()
        .map(c -> c.substring(0, c.indexOf(';'))).orElseThrow(() -> new AssertionError("no login cookie: " + r));
  }

  static String newKey() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /** GET /api/sync/key, which must be 200: the master key (null when none is stored). */
  static String key(String token) {
    Response r = api.get("/api/sync/key", token);
    assertEquals(200, r.status, r.toString());
    return r.data() == null ? null : r.data().getString("master_key");
  }

  static int version(String token) {
    Response r = api.get("/api/sync/key", token);
    assertEquals(200, r.status, r.toString());
    return r.data().getInteger("version");
  }

  static Response putKey(String token, String key, String ifMatch) {
    return putBody(token, new JsonObject().put("master_key", key), ifMatch);
  }

  static Response putBody(String token, JsonObject body, String ifMatch) {
    Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json"));
    if (ifMatch != null) {
      headers.put("If-Match", ifMatch);
    }
    return api.send(HttpMethod.PUT, "/api/sync/key", token, Buffer.buffer(body.encode()), headers);
  }

  /** A PUT body carrying every custody field a client could try to set, with values of its own. */
  static JsonObject forged(String key) {
    return new JsonObject().put("master_key", key).put("custody", false).put("account_key", newKey())
        .put("account_key_id", UUID.randomUUID().toString()).put("grant_key", newKey())
        .put("bearer_grant_key", newKey());
  }

  /** GET /api/sync/key with {@code token} until it is refused with 401 (eviction from the gateway's auth cache). */
  static void assertKeyRefused401(String token, String why) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    Response r = api.get("/api/sync/key", token);
    while (r.status != 401 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      r = api.get("/api/sync/key", token);
    }
    assertEquals(401, r.status, why + ": " + r);
    assertNull(r.data(), why + ": " + r);
  }

  static String currentDeviceId(String token) {
    Response devices = api.get("/api/devices", token);
    assertEquals(200, devices.status, devices.toString());
    return devices.body.getJsonArray("data").stream().map(JsonObject.class::cast)
        .filter(d -> Boolean.TRUE.equals(d.getBoolean("is_current"))).findFirst().orElseThrow().getString("id");
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

  static long accountOf(String email) throws Exception {
    return ((Number) scalar("select id from auth.accounts where email = ?", email)).longValue();
  }

  static Object storedKeyId(long account) throws Exception {
    return scalar("select account_key_id from data.master_keys where account_id = ?", account);
  }

  static Object accountKeyId(long account) throws Exception {
    return scalar("select key_id from auth.account_keys where account_id = ?", account);
  }

  // ---- the flows ----

  @Test
  void theShippedClientsKeyFlowsKeepWorking() throws Exception {
    String email = "flows@example.com";
    String cookie = register(email);
    long account = accountOf(email);
    String laptop = pair(cookie, passwordOf(email), "Laptop");
    String desktop = pair(cookie, passwordOf(email), "Desktop");
    assertNull(key(laptop), "no key yet: data null");

    // the first device creates the key; the second (paired with the password) gets the same one
    String first = newKey();
    Response put = putKey(laptop, first, null);
    assertEquals(200, put.status, put.toString());
    assertEquals(1, put.data().getInteger("version"));
    assertEquals(first, key(desktop), "the second device gets the existing key");
    assertEquals(1, version(desktop));
    assertEquals(accountKeyId(account), storedKeyId(account), "stored under the account key");

    // a blind PUT over it (what the client does when its GET failed) is refused, the key unchanged
    Response blind = putKey(desktop, newKey(), null);
    assertEquals(409, blind.status, "a blind PUT over the key: " + blind);
    assertEquals(1, blind.data().getInteger("version"), blind.toString());
    Response forgedBlind = putBody(desktop, forged(newKey()), null);
    assertEquals(409, forgedBlind.status, "a blind PUT with forged custody fields: " + forgedBlind);
    assertNotEquals(KeyService.LOST, forgedBlind.error(), "a forged account_key_id is no reset: " + forgedBlind);
    Response stale = putKey(desktop, newKey(), "\"7\"");
    assertEquals(409, stale.status, "a stale If-Match: " + stale);
    assertEquals(first, key(laptop));
    assertEquals(first, key(desktop));

    // rotation names the version it replaces: version 2, both devices read it
    String second = newKey();
    Response rotated = putKey(desktop, second, "\"1\"");
    assertEquals(200, rotated.status, rotated.toString());
    assertEquals(2, rotated.data().getInteger("version"));
    assertEquals(second, key(laptop));
    assertEquals(second, key(desktop));
    assertEquals(2, version(laptop));

    // token rotation keeps the key with the new token; the old token is gone
    Response rot = api.post("/api/sync/rotate", laptop, new JsonObject());
    assertEquals(200, rot.status, rot.toString());
    String laptop2 = rot.data().getString("session_token");
    assertNotEquals(laptop, laptop2);
    assertEquals(second, key(laptop2), "the rotated token keeps the key");
    assertKeyRefused401(laptop, "the token rotated away");

    // a client cannot hand the gateway an account key of its own: the fields it sends are dropped
    String third = newKey();
    Response forgedRotation = putBody(desktop, forged(third).put("expected_version", 2), null);
    assertEquals(200, forgedRotation.status, forgedRotation.toString());
    assertEquals(3, forgedRotation.data().getInteger("version"));
    assertEquals(third, key(laptop2), "stored under the account's real key: every device reads it");
    assertEquals(third, key(desktop));
    assertEquals(accountKeyId(account), storedKeyId(account), "under the account's own key, whatever the body said");

    // a device revoked by another cannot read the key (401); the others still do
    String phone = pair(cookie, passwordOf(email), "Phone");
    assertEquals(third, key(phone));
    String desktopId = currentDeviceId(desktop);
    Response delete = api.send(HttpMethod.DELETE, "/api/devices/" + desktopId, laptop2, null, Map.of());
    assertEquals(200, delete.status, delete.toString());
    assertKeyRefused401(desktop, "the key for a device revoked from another");
    assertEquals(401, putKey(desktop, newKey(), "\"3\"").status, "nor can it replace it");
    assertEquals(third, key(laptop2));
    assertEquals(third, key(phone));

    // a session that revokes itself cannot read the key either; the other still does
    Response revoke = api.post("/api/sync/revoke", phone, new JsonObject());
    assertEquals(200, revoke.status, revoke.toString());
    assertKeyRefused401(phone, "the key for a session that revoked itself");
    assertEquals(third, key(laptop2));
    assertEquals(3, version(laptop2));
  }

  @Test
  void aPasswordChangeKeepsEveryPairedDeviceReadingTheKey() throws Exception {
    String email = "change@example.com";
    String oldPassword = passwordOf(email);
    String newPassword = "the new password of change";
    String cookie = register(email);
    long account = accountOf(email);
    String a = pair(cookie, oldPassword, "A");
    String b = pair(cookie, oldPassword, "B");
    String k = newKey();
    assertEquals(200, putKey(a, k, null).status);
    Object akId = accountKeyId(account);

    Response change = api.send(HttpMethod.POST, "/api/auth/password", null,
        Buffer.buffer(new JsonObject().put("current_password", oldPassword).put("new_password", newPassword).encode()),
        Map.of("Cookie", cookie, "Content-Type", "application/json"));
    assertEquals(200, change.status, change.toString());
    String newCookie = loginCookie(change);
    assertEquals(k, key(a), "device A after the password change");
    assertEquals(k, key(b), "device B after the password change");
    assertEquals(akId, accountKeyId(account), "the same account key, wrapped under the new password");
    assertEquals(akId, storedKeyId(account));

    // the old password no longer opens the account key for a new device; the new one does
    Response init = api.post("/api/sync/init", null, new JsonObject().put("device_name", "X").put("device_type", "desktop"));
    assertEquals(200, init.status, init.toString());
    Response oldClaim = claim(newCookie, oldPassword, init.data().getString("temp_token"));
    assertEquals(400, oldClaim.status, "a claim with the old password: " + oldClaim);
    String c = pair(newCookie, newPassword, "C");
    assertEquals(k, key(c), "a device paired with the new password");
    assertEquals(k, key(a));
  }

  @Test
  void aKeyFromBeforeKeyCustodyIsConvertedAtSignInAndOldSessionsMustPairAgain() throws Exception {
    String email = "legacy@example.com";
    String cookie = register(email);
    String old = pair(cookie, passwordOf(email), "Paired before the upgrade");
    long account = accountOf(email);
    // the state before key custody: no account key, no grants, a key under the KEK alone (an old gateway's PUT)
    assertEquals(1, update("delete from auth.account_keys where account_id = ?", account));
    update("update auth.sessions set key_grant = null where account_id = ?", account);
    String k = newKey();
    JsonObject stored = (JsonObject) server.vertx().eventBus().request(Addresses.DATA_KEY_PUT,
            new JsonObject().put("master_key", k),
            RequestContext.anonymous("legacy-put", "127.0.0.1", "test").withAccount(account, null, null)
                .toDeliveryOptions(10_000))
        .await().body();
    assertEquals(1, stored.getJsonObject("data").getInteger("version"), stored.encode());
    assertNotNull(scalar("select version from data.master_keys where account_id = ?", account));
    assertNull(storedKeyId(account), "a key under the KEK alone");
    assertEquals(k, key(old), "served as before until the password is entered");
    assertEquals(1, version(old));
    assertNull(storedKeyId(account), "a session without a grant does not convert it");

    Response login = api.post("/api/auth/login", null, new JsonObject().put("email", email)
        .put("password", passwordOf(email)));
    assertEquals(200, login.status, login.toString());
    Object akId = accountKeyId(account);
    assertNotNull(akId, "the account key is made at sign-in");
    long deadline = System.currentTimeMillis() + 10_000;
    while (storedKeyId(account) == null && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(akId, storedKeyId(account), "the master key is converted to it");

    Response refused = api.get("/api/sync/key", old);
    assertEquals(403, refused.status, refused.toString());
    assertEquals(KeyService.NO_ACCESS, refused.error());
    assertNull(refused.data(), refused.toString());
    Response replace = putKey(old, newKey(), "\"1\"");
    assertEquals(403, replace.status, "and it cannot replace it: " + replace);
    Response forgedReplace = putBody(old, forged(newKey()).put("expected_version", 1), null);
    assertEquals(403, forgedReplace.status, "not with forged custody fields either: " + forgedReplace);
    String fresh = pair(loginCookie(login), passwordOf(email), "Paired again");
    assertEquals(k, key(fresh), "paired again, it reads the same key bytes");
    assertEquals(1, version(fresh), "the same key, not a new one");
  }

  @Test
  void anOperatorsResetLosesTheKeyClearlyUntilTheAppRotatesIt() throws Exception {
    String email = "forgot@example.com";
    String cookie = register(email);
    long account = accountOf(email);
    String before1 = pair(cookie, passwordOf(email), "Before 1");
    String before2 = pair(cookie, passwordOf(email), "Before 2");
    String k = newKey();
    assertEquals(200, putKey(before1, k, null).status);
    assertEquals(200, putKey(before2, newKey(), "\"1\"").status);
    String k2 = newKey();
    assertEquals(200, putKey(before1, k2, "\"2\"").status, "the key is at version 3 before the reset");
    assertEquals(k2, key(before2));
    Object oldAk = accountKeyId(account);

    String newPassword = "correct horse battery staple 42";
    Pool pool = Database.pool(server.vertx(), new Settings(TestConfig.base(server.db().url())), "auth");
    PasswordReset.Result reset;
    try {
      reset = new PasswordReset(server.vertx(), pool).begin(email).await();
    } finally {
      pool.close().await();
    }
    // the owner chooses the password on the link's page
    Response chosen = api.post("/api/auth/reset-password", null, new JsonObject().put("token", reset.token())
        .put("password", newPassword));
    assertEquals(200, chosen.status, chosen.toString());
    Object newAk = accountKeyId(account);
    assertNotNull(newAk);
    assertNotEquals(oldAk, newAk, "the reset makes a new account key");
    // the reset ran outside the cluster (a command on the database): a gateway may still hold the sessions in its
    // auth cache, but the key is refused at once (the grant is read with each key request)
    assertEquals(401, api.get("/api/sync/key", before1).status, "the key for a session the reset ended");
    assertEquals(401, api.get("/api/sync/key", before2).status, "the key for a session the reset ended");
    assertEquals(401, putKey(before1, newKey(), "\"3\"").status, "nor can such a session replace it");

    Response oldLogin = api.post("/api/auth/login", null, new JsonObject().put("email", email)
        .put("password", passwordOf(email)));
    assertNotEquals(200, oldLogin.status, "the old password after the reset: " + oldLogin);
    Response signIn = api.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", newPassword));
    assertEquals(200, signIn.status, signIn.toString());
    String newCookie = loginCookie(signIn);
    String after = pair(newCookie, newPassword, "After");

    Response lost = api.get("/api/sync/key", after);
    assertEquals(409, lost.status, lost.toString());
    assertEquals(KeyService.LOST, lost.error());
    assertTrue(lost.error().contains("password was reset"), lost.error());
    assertTrue(lost.data() == null || !lost.data().containsKey("master_key"), lost.toString());
    int current = lost.data().getInteger("version");
    assertEquals(3, current, "the 409 names the version to rotate: " + lost);
    Response blind = putKey(after, newKey(), null);
    assertEquals(409, blind.status, "no silent new key: " + blind);
    assertEquals(KeyService.LOST, blind.error());
    Response forgedBlind = putBody(after, forged(newKey()).put("account_key_id", oldAk.toString()), null);
    assertEquals(409, forgedBlind.status, "no silent new key with forged custody fields: " + forgedBlind);
    assertEquals(KeyService.LOST, forgedBlind.error());
    assertEquals(oldAk, storedKeyId(account), "still the lost key");

    // the recovery: a rotation naming the current version replaces it under the new account key
    String replaced = newKey();
    Response rotate = putKey(after, replaced, "\"" + current + "\"");
    assertEquals(200, rotate.status, rotate.toString());
    assertEquals(current + 1, rotate.data().getInteger("version"));
    assertEquals(newAk, storedKeyId(account), "stored under the new account key");
    assertEquals(replaced, key(after));
    String another = pair(newCookie, newPassword, "Another");
    assertEquals(replaced, key(another));
    assertEquals(401, api.get("/api/sync/key", before1).status, "the old sessions stay ended");
  }
}
