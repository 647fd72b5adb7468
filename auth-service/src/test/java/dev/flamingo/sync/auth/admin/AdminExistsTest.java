package dev.flamingo.sync.auth.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * {@code flamingo.auth.v1.admin.exists} (read by the one-box start banner, no login): how many enabled admins there
 * are; signing up makes none, the operator's grant makes one.
 */
class AdminExistsTest extends AuthServiceTestBase {
  @Test
  void itCountsTheEnabledAdminsWithoutALogin() {
    assertEquals(0L, data(Addresses.AUTH_ADMIN_EXISTS, new JsonObject(), anon()).getLong("admins"));
    String email = "first-admin-" + System.nanoTime() + "@example.com";
    data(Addresses.AUTH_REGISTER, new JsonObject().put("email", email).put("password", "correct horse battery staple 42"), anon());
    assertEquals(0L, data(Addresses.AUTH_ADMIN_EXISTS, new JsonObject(), anon()).getLong("admins"));
    assertEquals(0, AdminCommand.run(new Settings(config), new String[] {"admin", "grant", email}));
    assertEquals(1L, data(Addresses.AUTH_ADMIN_EXISTS, new JsonObject(), anon()).getLong("admins"));
  }
}
