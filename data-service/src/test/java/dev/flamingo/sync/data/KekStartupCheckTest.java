package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.b64;
import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * data-service refuses to start when a stored key is wrapped under a KEK id that is neither the current
 * KEK nor a previous one, and names the missing id in one line (instead of starting and answering 500).
 */
class KekStartupCheckTest {
  @Test
  void startRefusesWhenAStoredKeysKekIdIsNotConfiguredAndNamesIt() {
    try (DataFixture f = DataFixture.start()) {
      long account = DataFixture.newAccount();
      byte[] key = randomBytes(32);
      f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(key)));

      // the restored-with-the-wrong-id case: another id for the (new) KEK, t1 nowhere
      JsonObject wrongId = f.config.copy().put("FLAMINGO_KEK", b64(randomBytes(32))).put("FLAMINGO_KEK_ID", "k2");
      Throwable e = assertThrows(Throwable.class, () -> f.redeploy(wrongId));
      String message = e.getMessage();
      assertTrue(message.contains("t1"), message);
      assertTrue(message.contains("not configured"), message);
      assertFalse(message.contains("\n"), "one line: " + message);
      assertFalse(message.contains(b64(f.kek)) || message.contains(wrongId.getString("FLAMINGO_KEK")), "no key in it");
      // nothing answers on the bus after the refused start
      assertThrows(Exception.class, () -> f.send(Addresses.DATA_KEY_GET, account, new JsonObject()).await());

      // with t1 as a previous KEK it starts, and the key reads
      f.deploy(wrongId.copy().put("FLAMINGO_KEK_PREVIOUS", "t1:" + b64(f.kek)));
      assertEquals(b64(key), f.call(Addresses.DATA_KEY_GET, account, new JsonObject())
          .getJsonObject("data").getString("master_key"));
    }
  }

  /** What bin/restore leaves in the secrets directory: kek, kek-id and kek-previous, read when the settings are unset. */
  @Test
  void theKekIdAndPreviousKeksAreReadFromTheSecretsDirectory(@TempDir Path secrets) throws Exception {
    try (DataFixture f = DataFixture.start()) {
      long account = DataFixture.newAccount();
      byte[] key = randomBytes(32);
      f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(key)));
      Files.writeString(secrets.resolve("kek"), b64(randomBytes(32)) + "\n");
      Files.writeString(secrets.resolve("kek-id"), "k7\n");
      JsonObject fromFiles = f.config.copy().put("FLAMINGO_SECRETS_DIR", secrets.toString());
      fromFiles.remove("FLAMINGO_KEK");
      fromFiles.remove("FLAMINGO_KEK_ID");
      Throwable e = assertThrows(Throwable.class, () -> f.redeploy(fromFiles));
      assertTrue(e.getMessage().contains("t1") && e.getMessage().contains("'k7'"), e.getMessage());

      Files.writeString(secrets.resolve("kek-previous"), "t1:" + b64(f.kek) + "\n");
      f.deploy(fromFiles);
      assertEquals(b64(key), f.call(Addresses.DATA_KEY_GET, account, new JsonObject())
          .getJsonObject("data").getString("master_key"));
      // a new key is wrapped under the kek file's id
      long other = DataFixture.newAccount();
      f.call(Addresses.DATA_KEY_PUT, other, new JsonObject().put("master_key", b64(randomBytes(32))));
      assertEquals("k7", f.call(Addresses.DATA_KEY_STATUS, other, new JsonObject()).getJsonObject("data").getString("kek_id"));
    }
  }

  @Test
  void anEmptyKeyTableStartsWithAnyKekId() {
    try (DataFixture f = DataFixture.start()) {
      f.redeploy(f.config.copy().put("FLAMINGO_KEK", b64(randomBytes(32))).put("FLAMINGO_KEK_ID", "fresh"));
      assertEquals(new JsonObject().put("set", false),
          f.call(Addresses.DATA_KEY_STATUS, DataFixture.newAccount(), new JsonObject()).getJsonObject("data"));
    }
  }
}
