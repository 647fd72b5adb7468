package dev.flamingo.sync.auth.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.eventbus.ReplyException;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The admin role without the gateway (issue 21, item 1): the accounts named in FLAMINGO_ADMIN_EMAILS get it once,
 * when it is introduced; the operator's command grants, revokes and enables; the last enabled admin is neither
 * disabled, demoted nor deleted, also when two admins act on each other at once.
 */
class LastAdminTest extends AuthServiceTestBase {
  int operator(String verb, String email) {
    return AdminCommand.run(new Settings(config), new String[] {"admin", verb, email});
  }

  String emailOf(long id) {
    return (String) scalar("select email from auth.accounts where id = ?", id);
  }

  boolean isAdmin(long id) {
    return data(Addresses.AUTH_ACCOUNT_ME, new JsonObject(), as(id)).getBoolean("is_admin");
  }

  @Test
  void listedAccountsGetTheRoleOnceAndLaterSignUpsWithAListedAddressDoNot() {
    long early = register().getLong("account_id");
    String earlyEmail = emailOf(early);
    String laterEmail = uniqueEmail();
    Pool pool = Database.open(vertx, new Settings(config), "auth").await();
    try {
      // the role as it is introduced on an existing deployment: the marker row is not there yet
      sql("delete from auth.admin_role_seed");
      List<String> listed = List.of(" " + earlyEmail.toUpperCase() + " ", laterEmail);
      assertEquals(1, Admins.seedOnce(pool, listed).await());
      assertTrue(isAdmin(early));
      assertEquals(1L, count("select count(*) from auth.admin_log where action = 'account.admin_granted' "
          + "and target_account_id = ?", early));
      long later = data(Addresses.AUTH_REGISTER, new JsonObject().put("email", laterEmail).put("password", PASSWORD), anon())
          .getLong("account_id");
      assertEquals(-1, Admins.seedOnce(pool, listed).await(), "only once");
      assertFalse(isAdmin(later));
    } finally {
      pool.close().await();
      sql("update auth.accounts set admin_since = null");
    }
  }

  @Test
  void theLastEnabledAdminIsNeitherDisabledDemotedNorDeleted() {
    sql("update auth.accounts set admin_since = null");
    long boss = register().getLong("account_id");
    long user = register().getLong("account_id");
    assertEquals(1, operator("grant", "nobody-" + emailOf(boss)), "an unknown e-mail");
    assertEquals(2, AdminCommand.run(new Settings(config), new String[] {"admin", "promote", emailOf(boss)}), "usage");
    assertEquals(0, operator("grant", emailOf(boss)));
    assertEquals(1, operator("revoke", emailOf(boss)), "the last admin: refused");
    assertTrue(isAdmin(boss));
    assertFails(409, Admins.LAST_ADMIN, Addresses.AUTH_ACCOUNT_DELETE_BEGIN, new JsonObject().put("password", PASSWORD),
        as(boss));
    assertEquals(0L, count("select count(*) from auth.accounts where id = ? and deleting_at is not null", boss));

    // a second admin; then the first is disabled by it, and the second is the last one
    assertEquals(0, operator("grant", emailOf(user)));
    data(Addresses.AUTH_ADMIN_ACCOUNT_STATE, new JsonObject().put("account_id", boss).put("disabled", true), as(user));
    assertFails(403, "Admins only", Addresses.AUTH_ADMIN_FIGURES, new JsonObject(), as(boss));
    assertEquals(1, operator("revoke", emailOf(user)));
    assertFails(409, Admins.LAST_ADMIN, Addresses.AUTH_ACCOUNT_DELETE_BEGIN, new JsonObject().put("password", PASSWORD),
        as(user));
    // the operator re-enables the first; now either may go
    assertEquals(0, operator("enable", emailOf(boss)));
    data(Addresses.AUTH_ADMIN_FIGURES, new JsonObject(), as(boss));
    assertEquals(1L, count("select count(*) from auth.admin_log where action = 'account.enabled' "
        + "and target_account_id = ? and admin_account_id is null", boss));

    // two admins disable each other at once: one wins, one enabled admin remains
    Future<?> a = send(Addresses.AUTH_ADMIN_ACCOUNT_STATE, new JsonObject().put("account_id", user).put("disabled", true), as(boss));
    Future<?> b = send(Addresses.AUTH_ADMIN_ACCOUNT_STATE, new JsonObject().put("account_id", boss).put("disabled", true), as(user));
    Future.join(a, b).transform(ar -> Future.succeededFuture()).await();
    assertEquals(1, (a.succeeded() ? 1 : 0) + (b.succeeded() ? 1 : 0), "exactly one of the two");
    Future<?> lost = a.succeeded() ? b : a;
    int status = ((ReplyException) lost.cause()).failureCode();
    assertTrue(status == 409 || status == 403, "the other: 409, or 403 when it was disabled first: " + status);
    assertEquals(1L, count("select count(*) from auth.accounts where admin_since is not null and disabled_at is null "
        + "and id in (?, " + user + ")", boss));
  }
}
