package dev.flamingo.sync.auth.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.auth.admin.AdminCommand;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Text a person later reads (e-mail, device name and type, an invite's note) with a lone UTF-16 surrogate (JSON's
 * "\\ud800", no character) or a control character is the client's mistake: a 400, and nothing is stored.
 */
class DisplayTextInputTest extends AuthServiceTestBase {
  static final String STRONG = "correct horse battery staple 42";
  static final String ADMIN = "notes-admin@example.com";
  static final String LONE_HIGH = String.valueOf((char) 0xD800);
  static final String LONE_LOW = String.valueOf((char) 0xDC27);

  @Test
  void anEmailWithALoneSurrogateOrAControlCharacterIs400AndMakesNoAccount() {
    for (String email : new String[] {"a" + LONE_HIGH + "@example.com", "b@exa" + LONE_LOW + "mple.com",
        "c\u0000d@example.com", "e\u202Ef@example.com"}) {
      assertFails(400, "Invalid email", Addresses.AUTH_REGISTER,
          new JsonObject().put("email", email).put("password", STRONG), anon());
    }
    assertEquals(0L, count("select count(*) from auth.accounts"));
  }

  @Test
  void aDeviceNameOrTypeWithALoneSurrogateIs400() {
    for (String name : new String[] {LONE_HIGH, "Work " + LONE_LOW + " laptop", LONE_LOW + LONE_HIGH}) {
      assertFails(400, "device_name must be valid Unicode text", Addresses.AUTH_SYNC_INIT,
          new JsonObject().put("device_name", name).put("device_type", "desktop"), anon());
    }
    assertFails(400, "device_type must be valid Unicode text", Addresses.AUTH_SYNC_INIT,
        new JsonObject().put("device_name", "Work laptop").put("device_type", "desk" + LONE_HIGH), anon());
    // a pair of surrogates is one character (🐧) and passes
    String penguin = "Dad " + new String(Character.toChars(0x1F427));
    String temp = init(penguin);
    assertEquals(penguin, data(Addresses.AUTH_SYNC_DESCRIBE, new JsonObject().put("temp_token", temp), anon())
        .getString("device_name"));
  }

  @Test
  void anInviteNoteWithALoneSurrogateOrControlCharacterIs400() {
    long admin = data(Addresses.AUTH_REGISTER, new JsonObject().put("email", ADMIN).put("password", STRONG), anon())
        .getLong("account_id");
    assertEquals(0, AdminCommand.run(new Settings(config), new String[] {"admin", "grant", ADMIN}));
    assertFails(400, "note must be valid Unicode text", Addresses.AUTH_ADMIN_INVITES_CREATE,
        new JsonObject().put("note", "for " + LONE_HIGH), as(admin));
    assertFails(400, "note must not contain control or bidirectional formatting characters",
        Addresses.AUTH_ADMIN_INVITES_CREATE, new JsonObject().put("note", "for\u202EadA"), as(admin));
    assertEquals(0L, count("select count(*) from auth.invites"));
    assertEquals("for Ada", data(Addresses.AUTH_ADMIN_INVITES_CREATE, new JsonObject().put("note", "for Ada"),
        as(admin)).getString("note"));
  }
}
