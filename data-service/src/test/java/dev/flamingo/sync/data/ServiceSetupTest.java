package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.b64;
import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Starting the service: ping, default limits, where the KEK comes from, and clear refusals of bad config. */
class ServiceSetupTest {
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass();

  /** The config without a KEK of its own. */
  static JsonObject withoutKek() {
    JsonObject cfg = f.config.copy();
    cfg.remove("FLAMINGO_KEK");
    cfg.remove("FLAMINGO_KEK_ID");
    return cfg;
  }

  static String deployFailure(JsonObject cfg) {
    RuntimeException e = assertThrows(RuntimeException.class, () -> f.deploy(cfg));
    return e.getMessage();
  }

  @Test
  void pingAnswersAfterTheDatabaseDoes() {
    JsonObject data = f.call(Addresses.DATA_PING, DataFixture.newAccount(), new JsonObject()).getJsonObject("data");
    assertEquals("data", data.getString("service"));
    assertEquals(true, data.getBoolean("ok"));
    // anonymous too: the gateway's readiness check has no account
    assertEquals(true, f.send(Addresses.DATA_PING, null, new JsonObject()).await().body().getJsonObject("data")
        .getBoolean("ok"));
  }

  @Test
  void defaultLimitsAreFiveAndTwentyFiveMiB() {
    JsonObject limits = f.call(Addresses.DATA_LIMITS, DataFixture.newAccount(), new JsonObject()).getJsonObject("data");
    assertEquals(5L * 1024 * 1024, limits.getLong("max_blob_bytes"));
    assertEquals(25L * 1024 * 1024, limits.getLong("max_account_bytes"));
    assertEquals(new JsonArray().add("history").add("environment").add("secret").add("collection").add("setting"),
        limits.getJsonArray("data_types"));
  }

  @Test
  void withoutAKekOrASecretsDirTheServiceRefusesToStart() {
    String message = deployFailure(withoutKek());
    assertTrue(message.contains("FLAMINGO_KEK") && message.contains("FLAMINGO_SECRETS_DIR"), message);
  }

  @Test
  void aMalformedKekOrLimitRefusesToStart() {
    String shortKek = deployFailure(f.config.copy().put("FLAMINGO_KEK", b64(randomBytes(31))));
    assertEquals("The KEK in FLAMINGO_KEK must be base64 of 32 bytes, it is 31", shortKek);
    String notBase64 = deployFailure(f.config.copy().put("FLAMINGO_KEK", "not a key!"));
    assertTrue(notBase64.contains("not base64"), notBase64);
    String previous = deployFailure(f.config.copy().put("FLAMINGO_KEK_PREVIOUS", "old"));
    assertEquals("FLAMINGO_KEK_PREVIOUS entries look like id:base64", previous);
    String limit = deployFailure(f.config.copy().put("FLAMINGO_MAX_BLOB_BYTES", "lots"));
    assertEquals("FLAMINGO_MAX_BLOB_BYTES=lots is not a size (bytes, or with a unit: 512KiB, 10MiB, 1GiB)", limit);
    String zero = deployFailure(f.config.copy().put("FLAMINGO_MAX_ACCOUNT_BYTES", "0"));
    assertTrue(zero.startsWith("FLAMINGO_MAX_ACCOUNT_BYTES must be between 16 and"), zero);
    String revisions = deployFailure(f.config.copy().put("FLAMINGO_REVISIONS_KEEP", "-1"));
    assertEquals("FLAMINGO_REVISIONS_KEEP must be between 0 and 100000000, got -1", revisions);
  }

  @Test
  void aKekFileIsCreatedOnceInTheSecretsDirAndReused(@TempDir Path dir) throws Exception {
    Path secrets = dir.resolve("secrets");
    JsonObject cfg = withoutKek().put("FLAMINGO_SECRETS_DIR", secrets.toString());
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    try {
      f.redeploy(cfg);
      Path file = secrets.resolve("kek");
      assertTrue(Files.exists(file));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      String kek = Files.readString(file).trim();
      assertEquals(32, Base64.getDecoder().decode(kek).length);
      try (var temps = Files.list(secrets)) {
        assertEquals(1, temps.count(), "no temp file is left behind");
      }
      f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(key)));
      assertEquals("k1", kekIdOf(account));

      // a restart reads the same file: same KEK, the key still reads
      f.redeploy(cfg);
      assertEquals(kek, Files.readString(file).trim());
      assertEquals(b64(key), f.call(Addresses.DATA_KEY_GET, account, new JsonObject()).getJsonObject("data")
          .getString("master_key"));

      // and the file's content is the KEK itself (it can be moved into FLAMINGO_KEK)
      f.redeploy(f.config.copy().put("FLAMINGO_KEK", kek).put("FLAMINGO_KEK_ID", "k1"));
      assertEquals(b64(key), f.call(Addresses.DATA_KEY_GET, account, new JsonObject()).getJsonObject("data")
          .getString("master_key"));
    } finally {
      // the fixture's KEK is t1: a row left under k1 would (rightly) stop it from starting
      try (Connection c = f.jdbc();
           var ps = c.prepareStatement("delete from data.master_keys where account_id = ?")) {
        ps.setLong(1, account);
        ps.executeUpdate();
      }
      f.redeploy(f.config);
    }
  }

  static String kekIdOf(long account) throws Exception {
    try (Connection c = f.jdbc();
         PreparedStatement ps = c.prepareStatement("select kek_id from data.master_keys where account_id = ?")) {
      ps.setLong(1, account);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        return rs.getString(1);
      }
    }
  }
}
