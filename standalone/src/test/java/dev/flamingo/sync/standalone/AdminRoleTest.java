package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.admin.AdminLog;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin role (issue 21, item 1): stored on the account, never granted by signing up, even with an address named
 * in FLAMINGO_ADMIN_EMAILS; granted by the operator's command or by an admin with their password typed again. The
 * server-wide admin log (item 5) outlives the acting admin's account; the target's own audit log shows the action.
 */
class AdminRoleTest {
  static final String ORIGIN = "http://flamingo.test";
  static final String LISTED = "root@example.com";
  static final String STRONG = "correct horse battery staple 42";

  @AutoClose
  static OneBoxServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject().put(Settings.PUBLIC_URL, ORIGIN)
        .put(Settings.ADMIN_EMAILS, LISTED)
        .put(Settings.RATE_LIMIT_LOGIN, "1000/60").put(Settings.RATE_LIMIT_REGISTER, "1000/60"));
    api = server.api();
  }

  static String cookieOf(Response r) {
    String set = r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  static String register(String email, String password) {
    Response r = api.web(HttpMethod.POST, "/api/auth/register", null, ORIGIN,
        new JsonObject().put("email", email).put("password", password));
    assertEquals(200, r.status, r.toString());
    return cookieOf(r);
  }

  @Test
  void signingUpWithAnAddressNamedInAdminEmailsGrantsNothing() {
    String cookie = register(LISTED, STRONG);
    Response figures = api.web(HttpMethod.GET, "/api/admin/figures", cookie, ORIGIN, null);
    assertEquals(403, figures.status, figures.toString());
    assertEquals("Admins only", figures.error());
    assertFalse(api.web(HttpMethod.GET, "/api/auth/me", cookie, ORIGIN, null).data().getBoolean("is_admin"));
    // the operator's command grants it (auth-service at once; a new login's validation says so too)
    assertEquals(0, server.operator("grant", LISTED));
    Response again = api.web(HttpMethod.GET, "/api/admin/figures", login(LISTED, STRONG), ORIGIN, null);
    assertEquals(200, again.status, again.toString());
  }

  static String login(String email, String password) {
    Response r = api.web(HttpMethod.POST, "/api/auth/login", null, ORIGIN,
        new JsonObject().put("email", email).put("password", password));
    assertEquals(200, r.status, r.toString());
    return cookieOf(r);
  }

  static long idOf(String cookie) {
    return api.web(HttpMethod.GET, "/api/auth/me", cookie, ORIGIN, null).data().getLong("account_id");
  }

  @Test
  void anAdminGrantsAndRevokesTheRoleWithTheirOwnPasswordTypedAgain() {
    String boss = register("role-boss@example.com", STRONG);
    assertEquals(0, server.operator("grant", "role-boss@example.com"));
    String user = register("role-user@example.com", "Tr0ub4dor&3-wide-orbit");
    long userId = idOf(user);
    String path = "/api/admin/accounts/" + userId + "/role";

    Response wrong = api.web(HttpMethod.POST, path, boss, ORIGIN,
        new JsonObject().put("admin", true).put("password", "not my password at all"));
    assertEquals(400, wrong.status, wrong.toString());
    assertEquals("The password is wrong", wrong.error());
    Response none = api.web(HttpMethod.POST, path, boss, ORIGIN, new JsonObject().put("admin", true));
    assertEquals(400, none.status, none.toString());
    assertEquals(400, api.web(HttpMethod.POST, path, boss, ORIGIN,
        new JsonObject().put("admin", "yes").put("password", STRONG)).status);
    assertEquals(403, api.web(HttpMethod.GET, "/api/admin/figures", user, ORIGIN, null).status, "none of that granted anything");

    Response granted = api.web(HttpMethod.POST, path, boss, ORIGIN, new JsonObject().put("admin", true).put("password", STRONG));
    assertEquals(200, granted.status, granted.toString());
    assertTrue(granted.data().getBoolean("admin"));
    assertEquals(200, api.web(HttpMethod.GET, "/api/admin/figures", user, ORIGIN, null).status, "the same login, at once");

    Response revoked = api.web(HttpMethod.POST, path, boss, ORIGIN, new JsonObject().put("admin", false).put("password", STRONG));
    assertEquals(200, revoked.status, revoked.toString());
    assertEquals(403, api.web(HttpMethod.GET, "/api/admin/figures", user, ORIGIN, null).status, "the same login, at once");
    Response own = api.web(HttpMethod.POST, "/api/admin/accounts/" + idOf(boss) + "/role", boss, ORIGIN,
        new JsonObject().put("admin", false).put("password", STRONG));
    assertEquals(400, own.status, own.toString());
  }

  /** Item 5: the record of an admin's action outlives the admin's account; the target's own log shows it too. */
  @Test
  void anAdminsActionsStayInTheAdminLogAfterTheAdminIsDeletedAndInTheTargetsLog() {
    String a = register("log-a@example.com", STRONG);
    assertEquals(0, server.operator("grant", "log-a@example.com"));
    String c = register("log-c@example.com", STRONG);
    assertEquals(0, server.operator("grant", "log-c@example.com"));
    register("log-b@example.com", "Tr0ub4dor&3-wide-orbit");
    long aId = idOf(a);
    long bId = idOf(login("log-b@example.com", "Tr0ub4dor&3-wide-orbit"));

    assertEquals(200, api.web(HttpMethod.POST, "/api/admin/accounts/" + bId + "/disable", a, ORIGIN, null).status);
    Response deleted = api.web(HttpMethod.DELETE, "/api/admin/accounts/" + aId, c, ORIGIN, null);
    assertEquals(200, deleted.status, deleted.toString());

    Response log = api.web(HttpMethod.GET, "/api/admin/log?limit=200", c, ORIGIN, null);
    assertEquals(200, log.status, log.toString());
    JsonObject disable = entries(log).filter(e -> "account.disabled".equals(e.getString("action"))
        && Long.valueOf(bId).equals(e.getLong("target_account_id"))).findFirst().orElseThrow(() -> new AssertionError(log));
    assertEquals(aId, disable.getLong("admin_account_id"));
    assertEquals("log-a@example.com", disable.getString("admin_email"));
    assertEquals("log-b@example.com", disable.getString("target_email"));
    assertNotNull(disable.getString("at"));
    assertNotNull(disable.getString("ip"));
    JsonObject deletion = entries(log).filter(e -> "account.deleted".equals(e.getString("action"))
        && Long.valueOf(aId).equals(e.getLong("target_account_id"))).findFirst().orElseThrow(() -> new AssertionError(log));
    assertEquals("log-c@example.com", deletion.getString("admin_email"));
    assertEquals("log-a@example.com", deletion.getString("target_email"));

    // paged: one entry a page, older ones with before
    Response first = api.web(HttpMethod.GET, "/api/admin/log?limit=1", c, ORIGIN, null);
    assertEquals(1, first.data().getJsonArray("entries").size());
    long next = first.data().getLong("next_before");
    Response second = api.web(HttpMethod.GET, "/api/admin/log?limit=1&before=" + next, c, ORIGIN, null);
    assertTrue(second.data().getJsonArray("entries").getJsonObject(0).getLong("id") < next, second.toString());
    assertEquals(400, api.web(HttpMethod.GET, "/api/admin/log?limit=x", c, ORIGIN, null).status);

    // B's own audit log shows the disable (and the enable)
    assertEquals(200, api.web(HttpMethod.POST, "/api/admin/accounts/" + bId + "/enable", c, ORIGIN, null).status);
    String b = login("log-b@example.com", "Tr0ub4dor&3-wide-orbit");
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      Response audit = api.web(HttpMethod.GET, "/api/web/audit?event_type=admin.account.disabled", b, ORIGIN, null);
      assertEquals(200, audit.status, audit.toString());
      if (!audit.body.getJsonArray("data").isEmpty()) {
        assertEquals("admin", audit.body.getJsonArray("data").getJsonObject(0).getJsonObject("metadata").getString("by"));
        break;
      }
      assertTrue(System.currentTimeMillis() < deadline, "no admin.account.disabled in B's audit log");
      sleep(100);
    }
  }

  /** Item 5: the actions of AdminService, SignupPolicy and the gateway's quota route each leave an admin-log entry. */
  @Test
  void everyAdminActionIsInTheAdminLog() {
    String admin = register("every-admin@example.com", STRONG);
    assertEquals(0, server.operator("grant", "every-admin@example.com"));
    long target = idOf(register("every-target@example.com", "Tr0ub4dor&3-wide-orbit"));
    String account = "/api/admin/accounts/" + target;
    assertEquals(200, api.web(HttpMethod.POST, account + "/sign-out", admin, ORIGIN, null).status);
    assertEquals(200, api.web(HttpMethod.PUT, account + "/quota", admin, ORIGIN, new JsonObject().put("quota_bytes", 4096)).status);
    assertEquals(200, api.web(HttpMethod.PUT, "/api/admin/signups", admin, ORIGIN, new JsonObject().put("mode", "open")).status);
    Response invite = api.web(HttpMethod.POST, "/api/admin/invites", admin, ORIGIN, new JsonObject());
    assertEquals(200, invite.status, invite.toString());
    String inviteId = invite.data().getString("id");
    assertEquals(200, api.web(HttpMethod.DELETE, "/api/admin/invites/" + inviteId, admin, ORIGIN, null).status);

    Response log = api.web(HttpMethod.GET, "/api/admin/log?limit=200", admin, ORIGIN, null);
    java.util.function.Predicate<String> logged = action -> entries(log).anyMatch(e -> action.equals(e.getString("action"))
        && "every-admin@example.com".equals(e.getString("admin_email")));
    for (String action : new String[] {"account.signed_out", "quota.set", "signups.set", "invite.created", "invite.revoked"}) {
      assertTrue(logged.test(action), action + " in " + log);
    }
    assertEquals(4096L, entries(log).filter(e -> "quota.set".equals(e.getString("action"))).findFirst().orElseThrow()
        .getJsonObject("metadata").getLong("quota_bytes"));
    assertTrue(entries(log).anyMatch(e -> "invite.revoked".equals(e.getString("action"))
        && inviteId.equals(e.getJsonObject("metadata").getString("invite_id"))), log.toString());
    assertTrue(entries(log).anyMatch(e -> "account.admin_granted".equals(e.getString("action"))
        && AdminLog.OPERATOR.equals(e.getString("admin_email"))
        && "every-admin@example.com".equals(e.getString("target_email"))), "the operator's grant: " + log);
    assertEquals(403, api.web(HttpMethod.GET, "/api/admin/log",
        login("every-target@example.com", "Tr0ub4dor&3-wide-orbit"), ORIGIN, null).status, "admins only");
  }

  static java.util.stream.Stream<JsonObject> entries(Response r) {
    return r.data().getJsonArray("entries").stream().map(o -> (JsonObject) o);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
