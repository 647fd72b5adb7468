package dev.flamingo.sync.auth.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SignupsDisabledTest extends AuthServiceTestBase {
  @Override
  protected JsonObject extraConfig() {
    return new JsonObject().put("FLAMINGO_SIGNUPS_ALLOWED", "false");
  }

  @Test
  void registerIsRefusedAndCreatesNothing() {
    assertFails(403, "Sign-ups are closed on this server", Addresses.AUTH_REGISTER,
        new JsonObject().put("email", "someone@example.com").put("password", PASSWORD), anon());
    // refused before any validation
    assertFails(403, "Sign-ups are closed on this server", Addresses.AUTH_REGISTER, new JsonObject(), anon());
    assertEquals(0L, count("select count(*) from auth.accounts where email = 'someone@example.com'"));
  }

  @Test
  void existingAccountsCanStillLogIn() {
    sql("insert into auth.accounts (email, password_hash, security_stamp) values (?, ?, ?)",
        "existing@example.com", new PasswordHasher().hash(PASSWORD), "a".repeat(32));
    JsonObject login = data(Addresses.AUTH_LOGIN,
        new JsonObject().put("email", "existing@example.com").put("password", PASSWORD), anon());
    assertEquals("existing@example.com", login.getString("email"));
    assertFails(401, "Invalid email or password", Addresses.AUTH_LOGIN,
        new JsonObject().put("email", "existing@example.com").put("password", "wrong password"), anon());
  }
}
