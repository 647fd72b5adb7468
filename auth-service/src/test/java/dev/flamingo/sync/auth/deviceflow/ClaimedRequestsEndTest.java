package dev.flamingo.sync.auth.deviceflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.auth.admin.AdminCommand;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.json.JsonObject;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, item 2: every way an account's sign-ins end also ends its device requests that were claimed in the
 * browser but not yet exchanged by the app: the app's next poll gets 400 "Invalid token" (as after a denial), no
 * session is made and the pending key grant is forgotten. A password change keeps the paired devices' sessions.
 */
class ClaimedRequestsEndTest extends AuthServiceTestBase {
  static final String ADMIN = "claims-admin@example.com";
  static final String INVALID = "Invalid token";

  long admin() {
    Object id = scalar("select id from auth.accounts where email = ?", ADMIN);
    if (id != null) {
      return (Long) id;
    }
    long made = data(Addresses.AUTH_REGISTER, new JsonObject().put("email", ADMIN).put("password", PASSWORD), anon())
        .getLong("account_id");
    // the admin role comes from the operator's command, never from FLAMINGO_ADMIN_EMAILS
    assertEquals(0, AdminCommand.run(new Settings(config), new String[] {"admin", "grant", ADMIN}));
    return made;
  }

  /** Claims a device request for a fresh account, runs {@code end} on it, then checks the request is over. */
  private void endsTheClaimedRequest(LongConsumer end) {
    long account = register().getLong("account_id");
    String temp = init("Laptop");
    claim(account, temp);
    String pending = init("Desk"); // pending, of no account yet: stays claimable
    end.accept(account);
    assertFails(400, INVALID, Addresses.AUTH_SYNC_TOKEN, new JsonObject().put("temp_token", temp), anon());
    assertFails(400, INVALID, Addresses.AUTH_SYNC_TOKEN, new JsonObject().put("temp_token", temp), anon());
    assertEquals(0L, count("select count(*) from auth.sessions where account_id = ? and device_name = 'Laptop'", account));
    assertEquals(0L, count("select count(*) from auth.temp_tokens where token_hash = ? and key_grant is not null",
        Tokens.sha256(temp)), "the pending key grant is forgotten");
    assertEquals("pending", data(Addresses.AUTH_SYNC_DESCRIBE, new JsonObject().put("temp_token", pending), anon())
        .getString("status"));
  }

  @Test
  void signOutEverywhereEndsIt() {
    endsTheClaimedRequest(account -> data(Addresses.AUTH_SIGN_OUT_EVERYWHERE, new JsonObject(), as(account)));
  }

  @Test
  void anAdminsSignOutEndsIt() {
    endsTheClaimedRequest(account -> data(Addresses.AUTH_ADMIN_SIGN_OUT, new JsonObject().put("account_id", account),
        as(admin())));
  }

  @Test
  void aPasswordChangeEndsItButKeepsThePairedDevices() {
    long[] owner = new long[1];
    Paired[] paired = new Paired[1];
    endsTheClaimedRequest(account -> {
      owner[0] = account;
      paired[0] = pair(account, "Paired");
      data(Addresses.AUTH_PASSWORD_CHANGE, new JsonObject().put("current_password", PASSWORD)
          .put("new_password", "Tr0ub4dor&3-wide-orbit"), as(account));
    });
    assertEquals(owner[0], validate(paired[0].token()).getLong("account_id"), "the device keeps its session");
  }

  @Test
  void anAdminsPasswordResetEndsIt() {
    endsTheClaimedRequest(account -> data(Addresses.AUTH_ADMIN_PASSWORD_RESET,
        new JsonObject().put("account_id", account), as(admin())));
  }

  @Test
  void disablingEndsIt() {
    endsTheClaimedRequest(account -> data(Addresses.AUTH_ADMIN_ACCOUNT_STATE,
        new JsonObject().put("account_id", account).put("disabled", true), as(admin())));
  }

  @Test
  void deletingEndsIt() {
    endsTheClaimedRequest(account -> data(Addresses.AUTH_ACCOUNT_DELETE_BEGIN,
        new JsonObject().put("account_id", account), as(admin())));
  }

  /** The exchange itself refuses an account disabled or being deleted (docs/protocol.md: 403), whatever marked it. */
  @Test
  void theExchangeRefusesADisabledOrDeletedAccountsClaim() {
    for (String column : new String[] {"disabled_at", "deleting_at"}) {
      long account = register().getLong("account_id");
      String temp = init("Laptop");
      claim(account, temp);
      sql("update auth.accounts set " + column + " = now() where id = ?", account);
      assertFails(403, "This account is disabled", Addresses.AUTH_SYNC_TOKEN,
          new JsonObject().put("temp_token", temp), anon());
      assertEquals(0L, count("select count(*) from auth.sessions where account_id = ?", account), column);
      assertNull(scalar("select consumed_at from auth.temp_tokens where token_hash = ?", Tokens.sha256(temp)), column);
    }
  }
}
