package dev.flamingo.sync.auth.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * auth-service checks the admin itself on every admin address (the gateway checks first): a caller that is no
 * admin gets 403 whatever node it sends from; a disabled account gets no new session; a deletion is two steps.
 */
class AdminAddressesTest extends AuthServiceTestBase {
  static final String ADMIN = "boss@example.com";

  long admin() {
    Object id = scalar("select id from auth.accounts where email = ?", ADMIN);
    if (id != null) {
      return (Long) id;
    }
    long boss = data(Addresses.AUTH_REGISTER, new JsonObject().put("email", ADMIN).put("password", PASSWORD), anon())
        .getLong("account_id");
    // the role comes from the operator's command, never from signing up
    assertFalse(data(Addresses.AUTH_ACCOUNT_ME, new JsonObject(), as(boss)).getBoolean("is_admin"));
    assertEquals(0, AdminCommand.run(new Settings(config), new String[] {"admin", "grant", " Boss@Example.com "}));
    return boss;
  }

  @Test
  void everyAdminAddressRefusesAnAccountThatIsNoAdmin() {
    long user = register().getLong("account_id");
    long other = register().getLong("account_id");
    Map<String, JsonObject> calls = Map.of(
        Addresses.AUTH_ADMIN_ACCOUNTS, new JsonObject(),
        Addresses.AUTH_ADMIN_ACCOUNT_STATE, new JsonObject().put("account_id", other).put("disabled", true),
        Addresses.AUTH_ADMIN_SIGN_OUT, new JsonObject().put("account_id", other),
        Addresses.AUTH_ADMIN_SIGNUPS_PUT, new JsonObject().put("mode", "closed"),
        Addresses.AUTH_ADMIN_INVITES_LIST, new JsonObject(),
        Addresses.AUTH_ADMIN_INVITES_CREATE, new JsonObject(),
        Addresses.AUTH_ADMIN_FIGURES, new JsonObject(),
        Addresses.AUTH_ACCOUNT_DELETE_BEGIN, new JsonObject().put("account_id", other),
        Addresses.AUTH_ACCOUNT_DELETE_FINISH, new JsonObject().put("account_id", other));
    calls.forEach((address, body) -> assertFails(403, "Admins only", address, body, as(user)));
    assertEquals(401, failure(Addresses.AUTH_ADMIN_ACCOUNTS, new JsonObject(), anon()).status());
    assertEquals(0L, count("select count(*) from auth.accounts where id = ? and disabled_at is not null", other));
    assertEquals(0L, count("select count(*) from auth.server_settings"));
    assertEquals(0L, count("select count(*) from auth.invites"));
    // the operator's command takes the e-mail case-insensitively and trimmed
    assertTrue(data(Addresses.AUTH_ACCOUNT_ME, new JsonObject(), as(admin())).getBoolean("is_admin"));
    assertFalse(data(Addresses.AUTH_ACCOUNT_ME, new JsonObject(), as(user)).getBoolean("is_admin"));
  }

  /**
   * The password reset and the invite revocation check the admin in auth-service itself, whatever the gateway did: a
   * request sent straight on the bus with an account that is no admin is 403 and changes nothing.
   */
  @Test
  void aPasswordResetAndAnInviteRevocationFromAnAccountThatIsNoAdminAre403AndChangeNothing() {
    long user = register().getLong("account_id");
    long victim = register().getLong("account_id");
    Object hashBefore = scalar("select password_hash from auth.accounts where id = ?", victim);
    assertFails(403, "Admins only", Addresses.AUTH_ADMIN_PASSWORD_RESET,
        new JsonObject().put("account_id", victim).put("password", "Tr0ub4dor&3-wide-orbit"), as(user));
    assertEquals(hashBefore, scalar("select password_hash from auth.accounts where id = ?", victim),
        "the password is unchanged");
    assertEquals(0L, count("select count(*) from auth.sessions where account_id = ? and revoked_at is not null", victim));

    String invite = data(Addresses.AUTH_ADMIN_INVITES_CREATE, new JsonObject(), as(admin())).getString("id");
    try {
      assertFails(403, "Admins only", Addresses.AUTH_ADMIN_INVITES_REVOKE, new JsonObject().put("id", invite), as(user));
      assertEquals(0L, count("select count(*) from auth.invites where id = ?::uuid and revoked_at is not null", invite),
          "the invite is still open");
      assertEquals(401, failure(Addresses.AUTH_ADMIN_INVITES_REVOKE, new JsonObject().put("id", invite), anon()).status());
    } finally {
      sql("delete from auth.invites where id = ?::uuid", invite); // the test above counts the invites a non-admin made
    }
    assertEquals(401, failure(Addresses.AUTH_ADMIN_PASSWORD_RESET,
        new JsonObject().put("account_id", victim).put("password", "Tr0ub4dor&3-wide-orbit"), anon()).status());
  }

  @Test
  void aDisabledAccountsClaimedDeviceRequestGetsNoSessionAndItsLoginIs403() {
    long user = register().getLong("account_id");
    String email = (String) scalar("select email from auth.accounts where id = ?", user);
    String temp = init("Laptop");
    claim(user, temp);
    data(Addresses.AUTH_ADMIN_ACCOUNT_STATE, new JsonObject().put("account_id", user).put("disabled", true), as(admin()));
    assertEquals(0L, count("select count(*) from auth.temp_tokens where claimed_by = ?", user), "claimed requests dropped");
    assertEquals(400, failure(Addresses.AUTH_SYNC_TOKEN, new JsonObject().put("temp_token", temp), anon()).status());
    assertFails(403, "This account is disabled", Addresses.AUTH_LOGIN,
        new JsonObject().put("email", email).put("password", PASSWORD), anon());
    assertFails(401, "Invalid email or password", Addresses.AUTH_LOGIN,
        new JsonObject().put("email", email).put("password", "not the password"), anon());
  }

  @Test
  void aDeletionFinishesOnlyAfterItBeganAndRemovesTheAccountsRows() {
    long user = register().getLong("account_id");
    pair(user, "Laptop");
    long boss = admin();
    JsonObject id = new JsonObject().put("account_id", user);
    assertEquals(409, failure(Addresses.AUTH_ACCOUNT_DELETE_FINISH, id, as(boss)).status());
    assertFails(400, AdminService.OWN_ACCOUNT, Addresses.AUTH_ACCOUNT_DELETE_BEGIN, new JsonObject().put("account_id", boss), as(boss));
    data(Addresses.AUTH_ACCOUNT_DELETE_BEGIN, id, as(boss));
    assertEquals(0L, count("select count(*) from auth.sessions where account_id = ? and revoked_at is null", user));
    data(Addresses.AUTH_ACCOUNT_DELETE_BEGIN, id, as(boss)); // again: still fine
    assertEquals("Account deleted", call(Addresses.AUTH_ACCOUNT_DELETE_FINISH, id, as(boss)).getString("message"));
    for (String table : new String[] {"accounts where id", "sessions where account_id", "account_keys where account_id"}) {
      assertEquals(0L, count("select count(*) from auth." + table + " = ?", user), table);
    }
    assertEquals(404, failure(Addresses.AUTH_ACCOUNT_DELETE_BEGIN, id, as(boss)).status());
    JsonObject record = awaitEvent(Addresses.EVENT_AUDIT, e -> "account.deleted".equals(e.getString("event_type"))
        && Long.valueOf(user).equals(e.getLong("account_id")));
    assertEquals(user, record.getLong("account_id"));
    assertFalse(record.encode().contains("@example.com"), "no e-mail in the deletion record: " + record.encode());
  }
}
