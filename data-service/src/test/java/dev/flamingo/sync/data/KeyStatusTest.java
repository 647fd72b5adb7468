package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.b64;
import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** key.status reads the row's version, KEK id and dates and never unwraps: it answers when key.get cannot. */
class KeyStatusTest {
  @Test
  void statusAnswersFromTheRowEvenWhenTheKekCannotDecrypt() {
    try (DataFixture f = DataFixture.start()) {
      long account = DataFixture.newAccount();
      assertEquals(new JsonObject().put("set", false),
          f.call(Addresses.DATA_KEY_STATUS, account, new JsonObject()).getJsonObject("data"));
      byte[] key = randomBytes(32);
      f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(key)));
      f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(randomBytes(32))).put("expected_version", 1));

      // same KEK id, different KEK bytes: the id check passes, but no key can be unwrapped any more
      f.redeploy(f.config.copy().put("FLAMINGO_KEK", b64(randomBytes(32))));
      assertEquals(500, f.fail(Addresses.DATA_KEY_GET, account, new JsonObject()).status());

      JsonObject status = f.call(Addresses.DATA_KEY_STATUS, account, new JsonObject()).getJsonObject("data");
      assertEquals(true, status.getBoolean("set"));
      assertEquals(2, status.getInteger("version"));
      assertEquals("t1", status.getString("kek_id"));
      Instant created = Instant.parse(status.getString("created_at"));
      Instant updated = Instant.parse(status.getString("updated_at"));
      assertFalse(updated.isBefore(created));
      assertNull(status.getValue("master_key"));
      assertEquals(false, status.getBoolean("custody"), "stored the old way: under the KEK alone");
      assertNull(status.getValue("account_key_id"));
      assertEquals(Set.of("set", "version", "kek_id", "custody", "account_key_id", "created_at", "updated_at"),
          status.fieldNames());
    }
  }

  @Test
  void statusNeedsAnAccount() {
    try (DataFixture f = DataFixture.start()) {
      assertEquals(401, f.fail(Addresses.DATA_KEY_STATUS, null, new JsonObject()).status());
    }
  }
}
