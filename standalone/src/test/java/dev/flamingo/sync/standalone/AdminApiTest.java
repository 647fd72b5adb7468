package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API and the account lifecycle (docs/operating.md) against the real one-box server with two gateway
 * instances: every admin operation, a non-admin's 403, the audit record of every action with the admin's account
 * and IP, and what each operation does to the account's logins, sessions and data in every service.
 */
class AdminApiTest {
  static final String ADMIN = "root@example.com";
  static final String ORIGIN = "http://flamingo.test";
  static final String ADMIN_IP = "198.51.100.10";

  @AutoClose
  static OneBoxServer server;
  static ApiClient api;
  static String adminCookie;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject()
        .put(Settings.PUBLIC_URL, ORIGIN).put(Settings.GATEWAY_INSTANCES, 2)
        .put(Settings.RATE_LIMIT_LOGIN, "1000/60").put(Settings.RATE_LIMIT_REGISTER, "1000/60")
        .put(Settings.TRUSTED_PROXIES, "127.0.0.0/8, ::1/128"));
    api = server.api();
    adminCookie = Pairing.register(api, ADMIN);
    server.grantAdmin(ADMIN); // before the cookie's first use: its validation then says admin
  }

  /** A request from a browser behind the trusted proxy, which forwards {@link #ADMIN_IP} as the client's address. */
  static Response web(HttpMethod method, String path, String cookie, JsonObject body) {
    return api.web(method, path, cookie, ORIGIN, body, Map.of("X-Forwarded-For", ADMIN_IP));
  }

  static Response admin(HttpMethod method, String path, JsonObject body) {
    return web(method, path, adminCookie, body);
  }

  static Response login(String email) {
    return api.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", Pairing.passwordOf(email)));
  }

  static long idOf(String email) {
    Response r = admin(HttpMethod.GET, "/api/admin/accounts?q=" + email, null);
    assertEquals(200, r.status, r.toString());
    JsonArray accounts = r.data().getJsonArray("accounts");
    for (int i = 0; i < accounts.size(); i++) {
      if (accounts.getJsonObject(i).getString("email").equals(email)) {
        return accounts.getJsonObject(i).getLong("account_id");
      }
    }
    throw new AssertionError(email + " not listed: " + r);
  }

  static JsonObject listed(String email) {
    JsonArray accounts = admin(HttpMethod.GET, "/api/admin/accounts?q=" + email, null).data().getJsonArray("accounts");
    return accounts.stream().map(o -> (JsonObject) o).filter(a -> a.getString("email").equals(email)).findFirst()
        .orElse(null);
  }

  /** Waits (up to 30 s) for an audit event of the admin's account matching {@code match}; fails otherwise. */
  static JsonObject adminAudit(String type, long target) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      Response r = admin(HttpMethod.GET, "/api/web/audit?event_type=" + type, null);
      assertEquals(200, r.status, r.toString());
      for (Object o : r.body.getJsonArray("data")) {
        JsonObject e = (JsonObject) o;
        JsonObject meta = e.getJsonObject("metadata", new JsonObject());
        if (target < 0 || Long.valueOf(target).equals(meta.getLong("target_account_id"))) {
          return e;
        }
      }
      sleep(100);
    }
    throw new AssertionError("no " + type + " audit event for account " + target);
  }

  static void assertAudited(String type, long target) {
    JsonObject e = adminAudit(type, target);
    assertEquals(ADMIN_IP, e.getString("ip_address"), e.encode());
  }

  static String blob(int bytes) {
    return Base64.getEncoder().encodeToString(new byte[bytes]);
  }

  static Response upload(String token, String type, int bytes) {
    return api.put("/api/sync/data/" + type, token, new JsonObject().put("encrypted_blob", blob(bytes))
        .put("nonce", "bm9uY2Vub25jZTEy"));
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static void eventually(String what, BooleanSupplier check) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!check.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      sleep(100);
    }
  }

  static long count(String sql, long account) {
    try (Connection c = server.db().connect(); var st = c.prepareStatement(sql)) {
      st.setLong(1, account);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aNonAdminGets403OnEveryAdminRouteAndNoLoginGets401() {
    String cookie = Pairing.register(api, "plain@example.com");
    long id = idOf("plain@example.com");
    Map<HttpMethod, String[]> routes = Map.of(
        HttpMethod.GET, new String[] {"/api/admin/accounts", "/api/admin/signups", "/api/admin/invites", "/api/admin/figures"},
        HttpMethod.POST, new String[] {"/api/admin/accounts/" + id + "/disable", "/api/admin/accounts/" + id + "/enable",
            "/api/admin/accounts/" + id + "/sign-out", "/api/admin/invites", "/api/admin/accounts/" + id + "/reset-password"},
        HttpMethod.PUT, new String[] {"/api/admin/signups", "/api/admin/accounts/" + id + "/quota"},
        HttpMethod.DELETE, new String[] {"/api/admin/accounts/" + id, "/api/admin/invites/00000000-0000-0000-0000-000000000000"});
    routes.forEach((method, paths) -> {
      for (String path : paths) {
        JsonObject body = method == HttpMethod.PUT || method == HttpMethod.POST ? new JsonObject().put("mode", "closed")
            .put("quota_bytes", 1).put("password", "the attacker's password") : null;
        Response r = web(method, path, cookie, body);
        assertEquals(403, r.status, method + " " + path + ": " + r);
        assertEquals("Admins only", r.error());
        assertEquals(401, web(method, path, null, body).status, method + " " + path);
      }
    });
    // none of it happened
    assertEquals(200, login("plain@example.com").status);
    assertEquals("open", admin(HttpMethod.GET, "/api/admin/signups", null).data().getString("mode"));
    assertFalse(Boolean.TRUE.equals(web(HttpMethod.GET, "/api/auth/me", cookie, null).data().getBoolean("is_admin")));
    assertTrue(web(HttpMethod.GET, "/api/auth/me", adminCookie, null).data().getBoolean("is_admin"));
  }

  @Test
  void listAndSearchShowCreatedLastSeenDevicesAndBytes() {
    String cookie = Pairing.register(api, "lister@example.com");
    String token = Pairing.pairDevice(api, cookie, "Lister laptop");
    assertEquals(200, upload(token, "history", 3000).status);
    eventually("the device's last use is recorded", () -> listed("lister@example.com").getValue("last_seen_at") != null);
    JsonObject a = listed("lister@example.com");
    assertEquals(1L, a.getLong("devices"));
    assertEquals(3000L, a.getLong("bytes"));
    assertEquals(0L, a.getLong("revision_bytes"));
    assertNull(a.getValue("quota_bytes"));
    assertFalse(a.getBoolean("disabled"));
    // another device's write keeps what it replaced: the history is shown apart from the current data
    String other = Pairing.pairDevice(api, cookie, "Lister desktop");
    assertEquals(200, upload(other, "history", 4000).status);
    JsonObject after = listed("lister@example.com");
    assertEquals(4000L, after.getLong("bytes"), after.encode());
    assertEquals(3000L, after.getLong("revision_bytes"), after.encode());
    assertFalse(a.getBoolean("is_admin"));
    assertNotNull(a.getString("created_at"));
    Response all = admin(HttpMethod.GET, "/api/admin/accounts?limit=1", null);
    assertEquals(1, all.data().getJsonArray("accounts").size());
    assertTrue(all.data().getLong("total") >= 2, all.toString());
    assertEquals(0, admin(HttpMethod.GET, "/api/admin/accounts?q=nobody-matches-this", null).data()
        .getJsonArray("accounts").size());
    assertTrue(listed(ADMIN).getBoolean("is_admin"));
    assertEquals(400, admin(HttpMethod.GET, "/api/admin/accounts?limit=abc", null).status);
  }

  @Test
  void disablingEndsEveryLoginAndSessionAtOnceAndEnablingLetsTheOwnerSignInAgain() {
    String cookie = Pairing.register(api, "disabled@example.com");
    String token = Pairing.pairDevice(api, cookie, "Disabled laptop");
    long id = idOf("disabled@example.com");
    // both caches (two gateway instances) hold the token and the login
    for (int i = 0; i < 4; i++) {
      assertEquals(200, api.get("/api/sync/config", token).status);
      assertEquals(200, web(HttpMethod.GET, "/api/auth/me", cookie, null).status);
    }
    Response off = admin(HttpMethod.POST, "/api/admin/accounts/" + id + "/disable", null);
    assertEquals(200, off.status, off.toString());
    assertEquals("Account disabled", off.body.getString("message"));
    eventually("the session is refused", () -> api.get("/api/sync/config", token).status == 401);
    eventually("the login is refused", () -> web(HttpMethod.GET, "/api/auth/me", cookie, null).status == 401);
    Response refused = login("disabled@example.com");
    assertEquals(403, refused.status, refused.toString());
    assertEquals("This account is disabled", refused.error());
    assertTrue(listed("disabled@example.com").getBoolean("disabled"));
    assertAudited("admin.account.disabled", id);

    Response on = admin(HttpMethod.POST, "/api/admin/accounts/" + id + "/enable", null);
    assertEquals(200, on.status, on.toString());
    assertEquals(200, login("disabled@example.com").status);
    assertEquals(401, api.get("/api/sync/config", token).status, "the revoked session stays revoked");
    assertAudited("admin.account.enabled", id);
    assertEquals(404, admin(HttpMethod.POST, "/api/admin/accounts/987654321/disable", null).status);
    assertEquals(404, admin(HttpMethod.POST, "/api/admin/accounts/x/disable", null).status);
    Response own = admin(HttpMethod.POST, "/api/admin/accounts/" + idOf(ADMIN) + "/disable", null);
    assertEquals(400, own.status, own.toString());
  }

  @Test
  void signOutEverywhereEndsTheAccountsSessionsAndLogins() {
    String cookie = Pairing.register(api, "signout@example.com");
    String token = Pairing.pairDevice(api, cookie, "Signout laptop");
    long id = idOf("signout@example.com");
    assertEquals(200, api.get("/api/sync/config", token).status);
    Response r = admin(HttpMethod.POST, "/api/admin/accounts/" + id + "/sign-out", null);
    assertEquals(200, r.status, r.toString());
    assertEquals(1, r.data().getInteger("sessions_revoked"));
    eventually("the session is refused", () -> api.get("/api/sync/config", token).status == 401);
    eventually("the login is refused", () -> web(HttpMethod.GET, "/api/auth/me", cookie, null).status == 401);
    assertEquals(200, login("signout@example.com").status, "signed out, not disabled");
    assertAudited("admin.account.signed_out", id);
  }

  static Response resetPassword(String token, String password) {
    return web(HttpMethod.POST, "/api/auth/reset-password", null, new JsonObject().put("token", token).put("password", password));
  }

  /**
   * A forgotten password, reset by an admin (issue 21, item 4): the admin gets a one-time link, never a password they
   * chose, so they can never sign in as the owner. Every login and session ends at once and the old password no
   * longer signs in; the owner opens the link, chooses the password (the new account key is made from it only: the
   * stored key is lost by design, 409 until the app rotates it); the link works once, a newer one replaces it, an
   * expired one is refused.
   */
  @Test
  void anAdminsResetGivesTheOwnerAOneTimeLinkAndTheAdminNoPassword() {
    String email = "forgot@example.com";
    String cookie = Pairing.register(api, email);
    String token = Pairing.pairDevice(api, cookie, "Forgot laptop");
    long id = idOf(email);
    String key = Base64.getEncoder().encodeToString(Tokens.randomBytes(32));
    assertEquals(200, api.put("/api/sync/key", token, new JsonObject().put("master_key", key)).status);
    assertEquals(200, api.get("/api/sync/config", token).status);

    // the admin can no longer choose the password: whatever the route answers, that password never signs in
    String chosen = "the admin's own choice 77";
    Response old = admin(HttpMethod.POST, "/api/admin/accounts/" + id + "/reset-password", new JsonObject().put("password", chosen));
    assertEquals(401, api.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", chosen)).status,
        "the admin signs in as the owner with the password they chose: " + old);
    assertEquals(400, old.status, old.toString());
    assertEquals("An admin does not choose the password: the reset answers a one-time link for the owner", old.error());
    assertEquals(400, admin(HttpMethod.POST, "/api/admin/accounts/" + idOf(ADMIN) + "/reset-password", new JsonObject()).status,
        "not the admin's own account");
    assertEquals(404, admin(HttpMethod.POST, "/api/admin/accounts/987654321/reset-password", new JsonObject()).status);
    assertEquals(200, login(email).status, "none of that changed the password");

    Response first = admin(HttpMethod.POST, "/api/admin/accounts/" + id + "/reset-password", null);
    assertEquals(200, first.status, first.toString());
    String firstUrl = first.data().getString("reset_url");
    Response r = admin(HttpMethod.POST, "/api/admin/accounts/" + id + "/reset-password", new JsonObject());
    assertEquals(200, r.status, r.toString());
    assertEquals(id, r.data().getLong("account_id"));
    String url = r.data().getString("reset_url");
    assertTrue(url.startsWith(ORIGIN + "/reset?token=flm_reset_"), url);
    Instant expires = Instant.parse(r.data().getString("expires_at"));
    assertTrue(expires.isBefore(Instant.now().plus(Duration.ofHours(24).plusMinutes(1))), expires.toString());
    assertFalse(r.body.encode().contains("password\""), r.toString());
    String link = url.substring(url.indexOf("token=") + 6);
    String firstLink = firstUrl.substring(firstUrl.indexOf("token=") + 6);
    assertEquals(0, countAll("select count(*) from auth.password_resets where token_hash = convert_to('" + link + "', 'UTF8')"),
        "only the hash is stored");

    eventually("the session is refused", () -> api.get("/api/sync/config", token).status == 401);
    eventually("the login is refused", () -> web(HttpMethod.GET, "/api/auth/me", cookie, null).status == 401);
    assertEquals(401, login(email).status, "the old password no longer signs in");
    eventually("the device is signed out in device-service too",
        () -> count("select count(*) from device.devices where account_id = ? and revoked_at is null", id) == 0);

    // the owner's page
    HttpResponse<String> page;
    try {
      page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + api.port() + "/reset?token=" + link)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
    assertEquals(200, page.statusCode());
    String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
    assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
    assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(null));
    assertFalse(page.body().contains("<script>"), "no inline script");

    String mine = "correct horse battery staple 42";
    assertEquals(403, api.send(HttpMethod.POST, "/api/auth/reset-password", null,
        Buffer.buffer(new JsonObject().put("token", link).put("password", mine).encode()),
        Map.of("Origin", "http://evil.example", "Content-Type", "application/json")).status, "same origin only");
    Response replaced = resetPassword(firstLink, mine);
    assertEquals(400, replaced.status, "a newer link replaced it: " + replaced);
    assertEquals("This password reset link is not valid: ask your admin for a new one", replaced.error());
    Response unknown = resetPassword("flm_reset_" + "0".repeat(64), mine);
    assertEquals(400, unknown.status, unknown.toString());
    assertEquals(400, resetPassword("not a token", mine).status);
    Response weak = resetPassword(link, "short");
    assertEquals(400, weak.status, weak.toString());
    assertTrue(weak.error().startsWith("Password must be at least"), weak.error());

    Response done = resetPassword(link, mine);
    assertEquals(200, done.status, done.toString());
    Response again = resetPassword(link, "another strong pass phrase 9");
    assertEquals(400, again.status, again.toString());
    assertEquals("This password reset link was already used", again.error());

    Response fresh = api.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", mine));
    assertEquals(200, fresh.status, fresh.toString());
    String newCookie = fresh.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
    String loginCookie = newCookie.substring(0, newCookie.indexOf(';'));
    String again2 = Pairing.pairDevice(api, loginCookie, mine, "Forgot laptop, paired again");
    Response lost = api.get("/api/sync/key", again2);
    assertEquals(409, lost.status, "the key was sealed under the old account key: lost by design: " + lost);
    assertFalse(lost.body.encode().contains(key));
    assertAudited("admin.account.password_reset", id);
    eventually("the reset is on the owner's log", () -> web(HttpMethod.GET, "/api/web/audit?event_type=account.password_reset",
        loginCookie, null).body.getJsonArray("data").size() >= 1);

    // an expired link
    Response later = admin(HttpMethod.POST, "/api/admin/accounts/" + id + "/reset-password", null);
    String laterLink = later.data().getString("reset_url").replaceAll(".*token=", "");
    assertEquals(1, countAll("update auth.password_resets set expires_at = now() - interval '1 second' where account_id = " + id
        + " returning 1"));
    Response expired = resetPassword(laterLink, "yet another strong phrase 8");
    assertEquals(400, expired.status, expired.toString());
    assertEquals("This password reset link has expired: ask your admin for a new one", expired.error());
  }

  @Test
  void aQuotaRefusesWritesOverItWith413AndTheLimitsSayIt() {
    String cookie = Pairing.register(api, "quota@example.com");
    String token = Pairing.pairDevice(api, cookie, "Quota laptop");
    long id = idOf("quota@example.com");
    assertEquals(200, upload(token, "history", 1000).status);
    Response set = admin(HttpMethod.PUT, "/api/admin/accounts/" + id + "/quota", new JsonObject().put("quota_bytes", 1500));
    assertEquals(200, set.status, set.toString());
    assertEquals(1500L, set.data().getLong("quota_bytes"));
    Response over = upload(token, "setting", 600);
    assertEquals(413, over.status, over.toString());
    assertEquals("Storage quota exceeded: this account may store 1500 bytes and would store 1600", over.error());
    assertEquals(1500L, over.data().getLong("quota_bytes"));
    assertEquals(404, api.get("/api/sync/data/setting", token).status, "nothing was written");
    assertEquals(200, upload(token, "setting", 500).status);
    Response limits = api.get("/api/sync/limits", token);
    assertEquals(1500L, limits.data().getLong("max_account_bytes"), limits.toString());
    assertEquals(1500L, limits.data().getLong("used_bytes"));
    assertEquals(1500L, listed("quota@example.com").getLong("quota_bytes"));
    assertAudited("admin.quota.set", id);

    assertEquals(200, admin(HttpMethod.PUT, "/api/admin/accounts/" + id + "/quota", new JsonObject().putNull("quota_bytes")).status);
    assertEquals(200, upload(token, "collection", 600).status, "the default quota again");
    assertEquals(400, admin(HttpMethod.PUT, "/api/admin/accounts/" + id + "/quota", new JsonObject().put("quota_bytes", -1)).status);
    assertEquals(400, admin(HttpMethod.PUT, "/api/admin/accounts/" + id + "/quota", new JsonObject().put("quota_bytes", "1MB")).status);
    assertEquals(404, admin(HttpMethod.PUT, "/api/admin/accounts/987654321/quota", new JsonObject().put("quota_bytes", 1)).status);
  }

  @Test
  void deletingAnAccountRemovesItsRowsInEveryServiceAndLeavesOnlyTheDeletionRecord() {
    String cookie = Pairing.register(api, "doomed@example.com");
    String token = Pairing.pairDevice(api, cookie, "Doomed laptop");
    long id = idOf("doomed@example.com");
    assertEquals(200, upload(token, "history", 100).status);
    assertEquals(200, api.put("/api/sync/key", token, new JsonObject().put("master_key", blob(32))).status);
    assertEquals(200, api.put("/api/sync/config", token, new JsonObject().put("sync_secrets", false)).status);
    eventually("device-service knows the device", () -> count("select count(*) from device.devices where account_id = ?", id) == 1);

    Response gone = admin(HttpMethod.DELETE, "/api/admin/accounts/" + id, null);
    assertEquals(200, gone.status, gone.toString());
    assertEquals("Account deleted", gone.body.getString("message"));
    assertEquals(401, api.get("/api/sync/config", token).status);
    assertEquals(401, login("doomed@example.com").status);
    assertNull(listed("doomed@example.com"));
    assertEquals(0, count("select count(*) from auth.accounts where id = ?", id));
    assertEquals(0, count("select count(*) from auth.sessions where account_id = ?", id));
    assertEquals(0, count("select count(*) from auth.account_keys where account_id = ?", id));
    for (String table : new String[] {"blobs", "master_keys", "sync_config", "account_quotas"}) {
      assertEquals(0, count("select count(*) from data." + table + " where account_id = ?", id), table);
    }
    // only the mark that refuses the deleted account's late writes remains (no data)
    assertEquals(0, count("select count(*) from data.change_seq where account_id = ? and not deleting", id));
    eventually("device-service removed the devices and audit log",
        () -> count("select count(*) from device.devices where account_id = ?", id) == 0
            && count("select count(*) from device.audit_log where account_id = ? and event_type <> 'account.deleted'", id) == 0);
    eventually("the deletion's own record remains",
        () -> count("select count(*) from device.audit_log where account_id = ? and event_type = 'account.deleted'", id) == 1);
    assertEquals(0, count("select count(*) from device.audit_log where account_id = ? and metadata::text like '%doomed%'", id));
    assertAudited("admin.account.deleted", id);
    assertEquals(404, admin(HttpMethod.DELETE, "/api/admin/accounts/" + id, null).status);
    // the e-mail is free again
    Pairing.register(api, "doomed@example.com");
  }

  @Test
  void ownersDeleteTheirAccountWithTheirPassword() {
    String email = "leaving@example.com";
    String cookie = Pairing.register(api, email);
    String token = Pairing.pairDevice(api, cookie, "Leaving laptop");
    long id = idOf(email);
    assertEquals(200, upload(token, "environment", 100).status);
    Response none = web(HttpMethod.POST, "/api/web/account/delete", cookie, new JsonObject());
    assertEquals(400, none.status, none.toString());
    Response wrong = web(HttpMethod.POST, "/api/web/account/delete", cookie, new JsonObject().put("password", "not it at all"));
    assertEquals(400, wrong.status, wrong.toString());
    assertEquals("The password is wrong", wrong.error());
    assertEquals(200, login(email).status, "a wrong password deletes nothing");
    assertEquals(200, api.get("/api/sync/data/environment", token).status);

    Response ok = web(HttpMethod.POST, "/api/web/account/delete", cookie, new JsonObject().put("password", Pairing.passwordOf(email)));
    assertEquals(200, ok.status, ok.toString());
    assertTrue(String.join(";", ok.raw.cookies()).contains("Max-Age=0"), "the login cookie is cleared");
    assertEquals(401, login(email).status);
    assertEquals(401, api.get("/api/sync/config", token).status);
    assertEquals(401, web(HttpMethod.GET, "/api/auth/me", cookie, null).status);
    assertEquals(0, count("select count(*) from data.blobs where account_id = ?", id));
    eventually("the deletion record is written",
        () -> count("select count(*) from device.audit_log where account_id = ? and event_type = 'account.deleted'", id) == 1);
  }

  @Test
  void signUpsCanBeClosedOrInviteOnlyAtRunTimeAndAnInviteAdmitsOneAccount() {
    try {
      Response closed = admin(HttpMethod.PUT, "/api/admin/signups", new JsonObject().put("mode", "closed"));
      assertEquals(200, closed.status, closed.toString());
      assertEquals("closed", api.get("/api/auth/signups", null).data().getString("mode"));
      Response refused = register("late@example.com", null);
      assertEquals(403, refused.status, refused.toString());
      assertEquals("Sign-ups are closed on this server", refused.error());
      assertAudited("admin.signups.set", -1);

      assertEquals(200, admin(HttpMethod.PUT, "/api/admin/signups", new JsonObject().put("mode", "invite-only")).status);
      Response needs = register("invited@example.com", null);
      assertEquals(403, needs.status);
      assertEquals("Sign-ups on this server need an invite link from its admin", needs.error());
      Response invite = admin(HttpMethod.POST, "/api/admin/invites", new JsonObject().put("note", "for Ada").put("expires_in_days", 3));
      assertEquals(200, invite.status, invite.toString());
      String url = invite.data().getString("url");
      assertTrue(url.startsWith(ORIGIN + "/login?invite=flm_inv_"), url);
      String code = url.substring(url.indexOf("invite=") + 7);
      assertFalse(code.isEmpty());
      assertEquals(0, countAll("select count(*) from auth.invites where token_hash = convert_to('" + code + "', 'UTF8')"),
          "only the hash is stored");
      assertEquals(403, register("invited@example.com", "flm_inv_" + "0".repeat(64)).status, "an unknown invite");
      assertEquals(200, register("invited@example.com", code).status);
      Response again = register("second@example.com", code);
      assertEquals(403, again.status);
      assertEquals("This invite link is no longer valid", again.error());
      JsonObject listed = admin(HttpMethod.GET, "/api/admin/invites", null).body.getJsonArray("data").stream()
          .map(o -> (JsonObject) o).filter(i -> i.getString("id").equals(invite.data().getString("id"))).findFirst().orElseThrow();
      assertEquals("used", listed.getString("status"));
      assertEquals("for Ada", listed.getString("note"));
      assertAudited("admin.invite.created", -1);

      Response other = admin(HttpMethod.POST, "/api/admin/invites", new JsonObject());
      String otherCode = other.data().getString("url").replaceAll(".*invite=", "");
      Response revoked = admin(HttpMethod.DELETE, "/api/admin/invites/" + other.data().getString("id"), null);
      assertEquals(200, revoked.status, revoked.toString());
      assertEquals(403, register("third@example.com", otherCode).status);
      assertEquals(404, admin(HttpMethod.DELETE, "/api/admin/invites/" + other.data().getString("id"), null).status);
      assertAudited("admin.invite.revoked", -1);
      assertEquals(400, admin(HttpMethod.PUT, "/api/admin/signups", new JsonObject().put("mode", "sometimes")).status);
      assertEquals(400, admin(HttpMethod.POST, "/api/admin/invites", new JsonObject().put("expires_in_days", 0)).status);
    } finally {
      admin(HttpMethod.PUT, "/api/admin/signups", new JsonObject().put("mode", "open"));
    }
    assertEquals(200, register("open-again@example.com", null).status);
  }

  static Response register(String email, String invite) {
    JsonObject body = new JsonObject().put("email", email).put("password", Pairing.passwordOf(email));
    if (invite != null) {
      body.put("invite", invite);
    }
    return api.post("/api/auth/register", null, body);
  }

  static long countAll(String sql) {
    try (Connection c = server.db().connect(); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void figuresCountAccountsDevicesBytesAndRequests() {
    String cookie = Pairing.register(api, "figures@example.com");
    String token = Pairing.pairDevice(api, cookie, "Figures laptop");
    assertEquals(200, upload(token, "secret", 700).status);
    eventually("the device is known", () -> admin(HttpMethod.GET, "/api/admin/figures", null).data().getLong("devices") >= 1);
    JsonObject f = admin(HttpMethod.GET, "/api/admin/figures", null).data();
    assertTrue(f.getLong("accounts") >= 2, f.encode());
    assertTrue(f.getLong("bytes") >= 700, f.encode());
    assertTrue(f.getLong("blobs") >= 1, f.encode());
    assertTrue(f.getLong("requests_per_minute") >= 1, f.encode());
    assertEquals(Settings.SIGNUP_MODES.contains(f.getString("signup_mode")), true);
    assertEquals(countAll("select count(*) from auth.accounts where deleting_at is null"), f.getLong("accounts"));
    assertEquals(countAll("select coalesce(sum(blob_size_bytes), 0) from data.blobs"), f.getLong("bytes"));
  }

  @Test
  void exportHoldsTheEncryptedBlobsDevicesAndAuditButNeverTheKey() {
    String cookie = Pairing.register(api, "export@example.com");
    String token = Pairing.pairDevice(api, cookie, "Export laptop");
    String key = Base64.getEncoder().encodeToString(Tokens.randomBytes(32));
    assertEquals(200, api.put("/api/sync/key", token, new JsonObject().put("master_key", key)).status);
    Response put = upload(token, "collection", 64);
    assertEquals(200, put.status);
    Response r = web(HttpMethod.GET, "/api/web/export", cookie, null);
    assertEquals(200, r.status, r.toString());
    assertTrue(r.header("Content-Disposition").startsWith("attachment; filename=\"flamingo-export-"), r.header("Content-Disposition"));
    JsonObject e = r.data();
    assertEquals("flamingo-export/1", e.getString("format"));
    assertEquals("export@example.com", e.getJsonObject("account").getString("email"));
    assertTrue(e.getJsonObject("key").getBoolean("set"));
    JsonObject item = e.getJsonArray("data").getJsonObject(0);
    assertEquals("collection", item.getString("data_type"));
    assertEquals(blob(64), item.getString("encrypted_blob"));
    assertEquals(1, e.getJsonArray("devices").size());
    Predicate<Object> pairing = o -> "sync.token".equals(((JsonObject) o).getString("event_type"));
    assertTrue(e.getJsonArray("audit").stream().anyMatch(pairing), e.getJsonArray("audit").encode());
    assertFalse(r.body.encode().contains(key), "the key is never exported");
    assertFalse(r.body.encode().contains("master_key"));
    assertEquals(401, web(HttpMethod.GET, "/api/web/export", null, null).status);
  }
}
