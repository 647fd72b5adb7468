package dev.flamingo.sync.auth.twofactor;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.auth.admin.Admins;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.testing.TotpCodes;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** FLAMINGO_ADMIN_2FA=required on auth-service's own admin addresses: no admin action before a second factor. */
class AdminSecondFactorTest extends AuthServiceTestBase {
  @Override
  protected JsonObject extraConfig() {
    return new JsonObject().put("FLAMINGO_ADMIN_2FA", "required");
  }

  @Test
  void anAdminWithoutSecondFactorIsRefusedUntilEnrolled() {
    long admin = register().getLong("account_id");
    sql("update auth.accounts set admin_since = now() where id = ?", admin);
    assertFails(403, Admins.ENROLL_FIRST, Addresses.AUTH_ADMIN_ACCOUNTS, new JsonObject(), as(admin));
    assertFails(403, Admins.ENROLL_FIRST, Addresses.AUTH_ADMIN_FIGURES, new JsonObject(), as(admin));

    String secret = data(Addresses.AUTH_TOTP_BEGIN, new JsonObject(), as(admin)).getString("secret");
    TotpCodes.freshStep(5);
    call(Addresses.AUTH_TOTP_CONFIRM, new JsonObject().put("code", TotpCodes.now(secret)), as(admin));
    assertNotNull(data(Addresses.AUTH_ADMIN_ACCOUNTS, new JsonObject(), as(admin)).getJsonArray("accounts"));
  }
}
