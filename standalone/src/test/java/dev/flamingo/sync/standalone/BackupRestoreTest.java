package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bin/backup then bin/restore into a fresh database and secrets directory: the restored server
 * serves the same escrowed key and the same blob to the same session token.
 */
class BackupRestoreTest {
  @Test
  void restoredServerReadsTheSameKeyAndBlobs() throws Exception {
    Path secretsA = Files.createTempDirectory("flamingo-secrets-a");
    Path secretsB = Files.createTempDirectory("flamingo-secrets-b");
    Files.delete(secretsB); // restore creates it
    Path archive = Files.createTempDirectory("flamingo-backup").resolve("backup.tar");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String plaintext = "{\"collections\":[],\"requests\":[{\"url\":\"https://example.test\"}]}";
    String token;
    JsonObject written;
    try (TestDatabase a = TestDatabase.create(); TestDatabase b = TestDatabase.create()) {
      Server first = start(a, secretsA);
      try (ApiClient api = new ApiClient(first.vertx(), first.port())) {
        token = Pairing.pairDevice(api, Pairing.register(api, "backup@example.com"), "Backed up");
        assertEquals(200, api.put("/api/sync/key", token, new JsonObject().put("master_key", Base64.getEncoder().encodeToString(key))).status);
        assertEquals(200, api.put("/api/sync/data/collection", token, StandaloneFlowTest.encrypt(key, plaintext)).status);
        written = api.get("/api/sync/data/collection", token).data();
      }
      first.vertx().close().await();

      run(Map.of("FLAMINGO_DB_URL", a.url(), "FLAMINGO_SECRETS_DIR", secretsA.toString()), "../bin/backup", archive.toString());
      run(Map.of("FLAMINGO_DB_URL", b.url(), "FLAMINGO_SECRETS_DIR", secretsB.toString()), "../bin/restore", archive.toString());
      assertEquals(Files.readString(secretsA.resolve("kek")), Files.readString(secretsB.resolve("kek")));

      Server second = start(b, secretsB);
      try (ApiClient api = new ApiClient(second.vertx(), second.port())) {
        Response k = api.get("/api/sync/key", token);
        assertEquals(200, k.status, k.toString());
        assertEquals(Base64.getEncoder().encodeToString(key), k.data().getString("master_key"));
        Response blob = api.get("/api/sync/data/collection", token);
        assertEquals(written, blob.data());
        assertEquals(plaintext, StandaloneFlowTest.decrypt(key, blob.data()));
      } finally {
        second.vertx().close().await();
      }
    }
  }

  /** The one-box server on {@code db}, with its secrets as files (not config) so that they are backed up. */
  record Server(Vertx vertx, int port) {}

  static Server start(TestDatabase db, Path secrets) {
    Vertx vertx = Vertx.vertx();
    int port = TestCluster.freePort();
    JsonObject config = TestConfig.base(db.url()).put(Settings.HTTP_PORT, port).put(Settings.SECRETS_DIR, secrets.toString())
        .put(Services.GATEWAY_INSTANCES, 1);
    config.remove(Settings.JWT_SECRET);
    config.remove("FLAMINGO_KEK");
    config.remove("FLAMINGO_KEK_ID");
    Services.deployAll(vertx, new Settings(config)).await();
    return new Server(vertx, port);
  }

  static void run(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
  }
}
