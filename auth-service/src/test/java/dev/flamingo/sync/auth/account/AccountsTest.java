package dev.flamingo.sync.auth.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class AccountsTest extends AuthServiceTestBase {
  private static final String INVALID_LOGIN = "Invalid email or password";
  private static final String REQUIRED = "Email and password are required";

  private static JsonObject creds(Object email, Object password) {
    JsonObject body = new JsonObject();
    if (email != null) {
      body.put("email", email);
    }
    if (password != null) {
      body.put("password", password);
    }
    return body;
  }

  private JsonObject validateBrowser(String browserToken) {
    return data(Addresses.AUTH_BROWSER_VALIDATE, new JsonObject().put("browser_token", browserToken), anon());
  }

  private void assertBrowserRefused(String browserToken) {
    assertFails(401, "Unauthorized", Addresses.AUTH_BROWSER_VALIDATE,
        new JsonObject().put("browser_token", browserToken), anon());
  }

  @Test
  void registerNormalizesTheEmailAndSignsIn() {
    JsonObject data = data(Addresses.AUTH_REGISTER, creds("  Alice.Register@Example.COM ", PASSWORD), anon());
    assertEquals("alice.register@example.com", data.getString("email"));
    assertTrue(data.getLong("account_id") > 0);
    assertNotNull(data.getString("browser_token"));
    assertEquals(12 * 3600L, data.getLong("browser_token_max_age"));
    assertEquals(4, data.size(), data.encode());

    assertEquals("alice.register@example.com",
        scalar("select email from auth.accounts where id = ?", data.getLong("account_id")));
    String stored = (String) scalar("select password_hash from auth.accounts where id = ?", data.getLong("account_id"));
    assertTrue(stored.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), stored);
    assertTrue(!stored.contains(PASSWORD));

    JsonObject validated = validateBrowser(data.getString("browser_token"));
    assertEquals(new JsonObject().put("account_id", data.getLong("account_id")).put("email", "alice.register@example.com")
        .put("is_admin", false).put("admin_must_enroll", false),
        validated);
  }

  @Test
  void duplicateEmailIsAConflictWhateverItsCase() {
    data(Addresses.AUTH_REGISTER, creds("dup@example.com", PASSWORD), anon());
    assertFails(409, "An account with this email already exists", Addresses.AUTH_REGISTER,
        creds("dup@example.com", "another password"), anon());
    assertFails(409, "An account with this email already exists", Addresses.AUTH_REGISTER,
        creds(" DUP@Example.com ", PASSWORD), anon());
    assertEquals(1L, count("select count(*) from auth.accounts where email = 'dup@example.com'"));
  }

  @Test
  void registerRejectsBadInput() {
    assertFails(400, "Invalid email", Addresses.AUTH_REGISTER, creds("not-an-email", PASSWORD), anon());
    assertFails(400, "Invalid email", Addresses.AUTH_REGISTER, creds("a@b", PASSWORD), anon());
    assertFails(400, "Invalid email", Addresses.AUTH_REGISTER, creds("a b@example.com", PASSWORD), anon());
    assertFails(400, "Invalid email", Addresses.AUTH_REGISTER, creds("a@@example.com", PASSWORD), anon());
    assertFails(400, "Invalid email", Addresses.AUTH_REGISTER,
        creds("x".repeat(250) + "@example.com", PASSWORD), anon());
    assertFails(400, "Password must be at least 12 characters", Addresses.AUTH_REGISTER,
        creds("short@example.com", "Kq7#vWz!pL2"), anon());
    assertFails(400, "Password must be at least 12 characters", Addresses.AUTH_REGISTER,
        creds("short@example.com", ""), anon());
    assertFails(400, "Password must be at most 1024 characters", Addresses.AUTH_REGISTER,
        creds("long@example.com", "p".repeat(1025)), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_REGISTER, creds(null, PASSWORD), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_REGISTER, creds("missing@example.com", null), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_REGISTER, creds("   ", PASSWORD), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_REGISTER, new JsonObject(), anon());
    // wrong JSON types are a 400, not a 500
    assertFails(400, REQUIRED, Addresses.AUTH_REGISTER, creds(12345, PASSWORD), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_REGISTER, creds("numbers@example.com", 12345678), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_REGISTER, creds(true, new JsonObject()), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_REGISTER,
        creds(new JsonArray().add("a@b.c"), PASSWORD), anon());
    assertEquals(0L, count("select count(*) from auth.accounts where email in "
        + "('short@example.com', 'long@example.com', 'missing@example.com', 'numbers@example.com')"));
  }

  @Test
  void loginWorksWithAnyCaseAndRefusesWrongPasswordsAndUnknownEmailsAlike() {
    JsonObject account = register();
    String email = account.getString("email");

    JsonObject login = data(Addresses.AUTH_LOGIN, creds("  " + email.toUpperCase() + " ", PASSWORD), anon());
    assertEquals(account.getLong("account_id"), login.getLong("account_id"));
    assertEquals(email, login.getString("email"));
    assertEquals(12 * 3600L, login.getLong("browser_token_max_age"));
    assertEquals(account.getLong("account_id"), validateBrowser(login.getString("browser_token")).getLong("account_id"));

    assertFails(401, INVALID_LOGIN, Addresses.AUTH_LOGIN, creds(email, PASSWORD + "x"), anon());
    assertFails(401, INVALID_LOGIN, Addresses.AUTH_LOGIN, creds("nobody-" + email, PASSWORD), anon());
    assertFails(401, INVALID_LOGIN, Addresses.AUTH_LOGIN, creds(email, "p".repeat(1025)), anon());
  }

  @Test
  void loginRejectsMissingOrMistypedFields() {
    assertFails(400, REQUIRED, Addresses.AUTH_LOGIN, new JsonObject(), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_LOGIN, creds("a@example.com", ""), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_LOGIN, creds("a@example.com", null), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_LOGIN, creds(42, PASSWORD), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_LOGIN, creds("a@example.com", 12345678), anon());
  }

  @Test
  void browserValidateRefusesGarbageForgedAndUnknownTokens() {
    assertBrowserRefused("garbage");
    assertBrowserRefused("");
    assertBrowserRefused("a.b.c");
    assertBrowserRefused("x".repeat(5000));
    assertFails(401, "Unauthorized", Addresses.AUTH_BROWSER_VALIDATE, new JsonObject(), anon());
    assertFails(401, "Unauthorized", Addresses.AUTH_BROWSER_VALIDATE, new JsonObject().put("browser_token", 7), anon());

    JsonObject account = register();
    String stamp = (String) scalar("select security_stamp from auth.accounts where id = ?", account.getLong("account_id"));
    // signed with another key
    BrowserTokens other = new BrowserTokens(vertx, "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210", 3600);
    assertBrowserRefused(other.issue(account.getLong("account_id"), stamp));
    // right key, stale stamp
    BrowserTokens same = new BrowserTokens(vertx, JWT_SECRET, 3600);
    assertBrowserRefused(same.issue(account.getLong("account_id"), "0".repeat(32)));
    // right key, unknown account
    assertBrowserRefused(same.issue(999_999_999L, stamp));
    // right key and stamp: accepted (the test builds tokens exactly as the service does)
    assertEquals(account.getLong("account_id"),
        validateBrowser(same.issue(account.getLong("account_id"), stamp)).getLong("account_id"));
  }

  @Test
  void meDescribesTheAccount() {
    Instant before = Instant.now();
    JsonObject account = register();
    Instant after = Instant.now();
    JsonObject me = data(Addresses.AUTH_ACCOUNT_ME, new JsonObject(), as(account.getLong("account_id")));
    assertEquals(account.getLong("account_id"), me.getLong("account_id"));
    assertEquals(account.getString("email"), me.getString("email"));
    Instant created = Instant.parse(me.getString("created_at"));
    assertTrue(!created.isBefore(before.truncatedTo(ChronoUnit.MILLIS)) && !created.isAfter(after),
        created + " not between " + before + " and " + after + " (the registration)");
    assertFails(401, "Unauthorized", Addresses.AUTH_ACCOUNT_ME, new JsonObject(), anon());
    assertFails(401, "Unauthorized", Addresses.AUTH_ACCOUNT_ME, new JsonObject(), as(999_999_999L));
  }

  @Test
  void passwordChangeNeedsTheCurrentPasswordAndEndsEarlierLogins() {
    JsonObject account = register();
    long id = account.getLong("account_id");
    String email = account.getString("email");
    String oldToken = account.getString("browser_token");
    String loginToken = data(Addresses.AUTH_LOGIN, creds(email, PASSWORD), anon()).getString("browser_token");

    assertFails(401, "Unauthorized", Addresses.AUTH_PASSWORD_CHANGE,
        new JsonObject().put("current_password", PASSWORD).put("new_password", "brand new password"), anon());
    assertFails(400, "current_password is required", Addresses.AUTH_PASSWORD_CHANGE,
        new JsonObject().put("new_password", "brand new password"), as(id));
    assertFails(400, "current_password is required", Addresses.AUTH_PASSWORD_CHANGE,
        new JsonObject().put("current_password", 12345678).put("new_password", "brand new password"), as(id));
    assertFails(400, "Password must be at least 12 characters", Addresses.AUTH_PASSWORD_CHANGE,
        new JsonObject().put("current_password", PASSWORD).put("new_password", "short"), as(id));
    assertFails(400, "The current password is wrong", Addresses.AUTH_PASSWORD_CHANGE,
        new JsonObject().put("current_password", "not the password").put("new_password", "brand new password"), as(id));
    // the failed attempts changed nothing
    validateBrowser(oldToken);
    data(Addresses.AUTH_LOGIN, creds(email, PASSWORD), anon());

    JsonObject changed = data(Addresses.AUTH_PASSWORD_CHANGE,
        new JsonObject().put("current_password", PASSWORD).put("new_password", "brand new password"), as(id));
    assertEquals(id, changed.getLong("account_id"));
    assertEquals(email, changed.getString("email"));
    String newToken = changed.getString("browser_token");
    assertNotEquals(oldToken, newToken);
    assertEquals(id, validateBrowser(newToken).getLong("account_id"));

    assertBrowserRefused(oldToken);
    assertBrowserRefused(loginToken);
    awaitEvent(Addresses.EVENT_ACCOUNT_STAMP_CHANGED, e -> Long.valueOf(id).equals(e.getLong("account_id")));

    assertFails(401, INVALID_LOGIN, Addresses.AUTH_LOGIN, creds(email, PASSWORD), anon());
    assertEquals(id, data(Addresses.AUTH_LOGIN, creds(email, "brand new password"), anon()).getLong("account_id"));
  }

  @Test
  void signOutEverywhereRevokesEverySessionAndBrowserLoginOfTheAccountOnly() {
    JsonObject account = register();
    long id = account.getLong("account_id");
    Paired laptop = pair(id, "laptop");
    Paired desktop = pair(id, "desktop");
    JsonObject bystander = register();
    Paired bystanderDevice = pair(bystander.getLong("account_id"), "theirs");

    JsonObject reply = call(Addresses.AUTH_SIGN_OUT_EVERYWHERE, new JsonObject(), as(id));
    assertEquals("Signed out everywhere", reply.getString("message"));
    assertEquals(2, reply.getJsonObject("data").getInteger("sessions_revoked"));

    assertSessionRefused(laptop.token());
    assertSessionRefused(desktop.token());
    assertBrowserRefused(account.getString("browser_token"));
    awaitEvent(Addresses.EVENT_SESSION_REVOKED, revokedSession(laptop.sessionId()).and(revokedSession(desktop.sessionId())));
    awaitEvent(Addresses.EVENT_ACCOUNT_STAMP_CHANGED, e -> Long.valueOf(id).equals(e.getLong("account_id")));
    assertEquals(2L, count("select count(*) from auth.sessions where account_id = ? and revoke_reason = 'signed_out_everywhere'", id));

    // another account is untouched
    assertEquals(bystanderDevice.sessionId(), validate(bystanderDevice.token()).getString("session_id"));
    validateBrowser(bystander.getString("browser_token"));

    // the password still works and gives a fresh login
    String fresh = data(Addresses.AUTH_LOGIN, creds(account.getString("email"), PASSWORD), anon()).getString("browser_token");
    assertEquals(id, validateBrowser(fresh).getLong("account_id"));

    // nothing left to revoke
    JsonObject again = call(Addresses.AUTH_SIGN_OUT_EVERYWHERE, new JsonObject(), as(id));
    assertEquals(0, again.getJsonObject("data").getInteger("sessions_revoked"));
    assertBrowserRefused(fresh);
    assertFails(401, "Unauthorized", Addresses.AUTH_SIGN_OUT_EVERYWHERE, new JsonObject(), anon());
  }

  @Test
  void pingAnswers() {
    JsonObject data = data(Addresses.AUTH_PING, new JsonObject(), anon());
    assertEquals("auth", data.getString("service"));
    assertEquals(true, data.getBoolean("ok"));
    assertNull(data.getValue("error"));
  }

  @Test
  void aStampChangedInTheDatabaseEndsTheBrowserLogin() {
    JsonObject account = register();
    long id = account.getLong("account_id");
    String token = account.getString("browser_token");
    assertEquals(id, validateBrowser(token).getLong("account_id"));
    assertEquals(1, sql("update auth.accounts set security_stamp = 'changed-elsewhere' where id = ?", id));
    assertBrowserRefused(token);
    // a fresh login carries the new stamp
    String fresh = data(Addresses.AUTH_LOGIN, creds(account.getString("email"), PASSWORD), anon()).getString("browser_token");
    assertEquals(id, validateBrowser(fresh).getLong("account_id"));
  }
}
