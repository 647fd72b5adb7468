package dev.flamingo.sync.auth.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

/**
 * Sign-up, password change and password reset refuse a new password under 12 characters or easy to guess, with
 * the reason; an existing password that would not pass today still signs in.
 */
class PasswordRulesTest extends AuthServiceTestBase {
  static final String WEAK = "password1234";
  static final String WEAK_WHY = "Password is too easy to guess: This is a very common password.";

  @Test
  void signUpRefusesShortAndWeakPasswordsAndCreatesNothing() {
    String email = uniqueEmail();
    assertFails(400, "Password must be at least 12 characters", Addresses.AUTH_REGISTER,
        new JsonObject().put("email", email).put("password", "Kq7#vWz!pL2"), anon());
    assertFails(400, WEAK_WHY, Addresses.AUTH_REGISTER, new JsonObject().put("email", email).put("password", WEAK), anon());
    ServiceException e = failure(Addresses.AUTH_REGISTER,
        new JsonObject().put("email", "alice@example.com").put("password", "alice@example.com2024"), anon());
    assertEquals(400, e.status(), e.getMessage());
    assertEquals(0L, count("select count(*) from auth.accounts where email in (?, 'alice@example.com')", email));
  }

  @Test
  void aPasswordChangeRefusesAWeakNewPassword() {
    JsonObject account = register();
    long id = account.getLong("account_id");
    assertFails(400, WEAK_WHY, Addresses.AUTH_PASSWORD_CHANGE,
        new JsonObject().put("current_password", PASSWORD).put("new_password", WEAK), as(id));
    assertFails(400, "Password must be at least 12 characters", Addresses.AUTH_PASSWORD_CHANGE,
        new JsonObject().put("current_password", PASSWORD).put("new_password", "short one"), as(id));
    assertFails(400, "Password is too easy to guess: It contains your e-mail address or a part of it.",
        Addresses.AUTH_PASSWORD_CHANGE, new JsonObject().put("current_password", PASSWORD)
            .put("new_password", account.getString("email")), as(id));
    // the old password still works
    data(Addresses.AUTH_LOGIN, new JsonObject().put("email", account.getString("email")).put("password", PASSWORD), anon());
  }

  @Test
  void aResetLinkRefusesAWeakNewPasswordAndStaysUsable() {
    JsonObject account = register();
    String email = account.getString("email");
    Pool pool = Database.pool(vertx, new Settings(config), "auth");
    try {
      PasswordReset reset = new PasswordReset(vertx, pool);
      String token = reset.begin(email).await().token();
      ServiceException e = (ServiceException) reset.complete(new JsonObject().put("token", token).put("password", WEAK), anon())
          .transform(ar -> Future.succeededFuture(ar.cause())).await();
      assertEquals(400 + " " + WEAK_WHY, e.status() + " " + e.getMessage());
      e = (ServiceException) reset.complete(new JsonObject().put("token", token).put("password", email + "1"), anon())
          .transform(ar -> Future.succeededFuture(ar.cause())).await();
      assertEquals(400, e.status(), e.getMessage());
      // a refused password leaves the link usable
      reset.complete(new JsonObject().put("token", token).put("password", "correct horse battery staple 42"), anon()).await();
    } finally {
      pool.close().await();
    }
    data(Addresses.AUTH_LOGIN, new JsonObject().put("email", email).put("password", "correct horse battery staple 42"), anon());
  }

  @Test
  void anExistingShortPasswordStillSignsIn() {
    sql("insert into auth.accounts (email, password_hash, security_stamp) values (?, ?, ?)",
        "old-rules@example.com", new PasswordHasher().hash("letmein1"), "b".repeat(32));
    JsonObject login = data(Addresses.AUTH_LOGIN,
        new JsonObject().put("email", "old-rules@example.com").put("password", "letmein1"), anon());
    assertEquals("old-rules@example.com", login.getString("email"));
  }
}
