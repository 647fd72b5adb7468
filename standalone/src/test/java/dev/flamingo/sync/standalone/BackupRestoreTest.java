package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bin/backup then bin/restore into a fresh database and secrets directory: the restored server, started
 * normally, serves the same escrowed keys (whatever KEK id wrapped them) and blobs to the same session
 * tokens. bin/restore checks everything before it loads anything; both scripts read FLAMINGO_CONFIG_FILE
 * as the server does and never put the database password on a command line.
 */
class BackupRestoreTest {
  static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void restoredServerReadsTheSameKeyAndBlobs() throws Exception {
    Path secretsA = Files.createTempDirectory("flamingo-secrets-a");
    Path secretsB = Files.createTempDirectory("flamingo-secrets-b");
    Files.delete(secretsB); // restore creates it
    Path archive = Files.createTempDirectory("flamingo-backup").resolve("backup.tar");
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    String plaintext = "{\"collections\":[],\"requests\":[{\"url\":\"https://example.test\"}]}";
    String token;
    JsonObject written;
    try (TestDatabase a = TestDatabase.create(); TestDatabase b = TestDatabase.create()) {
      Server first = start(a, secretsA, Map.of());
      try (ApiClient api = new ApiClient(first.vertx(), first.port())) {
        token = Pairing.pairDevice(api, Pairing.register(api, "backup@example.com"), "Backed up");
        assertEquals(200, api.put("/api/sync/key", token, new JsonObject().put("master_key", b64(key))).status);
        assertEquals(200, api.put("/api/sync/data/collection", token, StandaloneFlowTest.encrypt(key, plaintext)).status);
        written = api.get("/api/sync/data/collection", token).data();
      }
      first.vertx().close().await();

      run(Map.of("FLAMINGO_DB_URL", a.url(), "FLAMINGO_SECRETS_DIR", secretsA.toString()), "../bin/backup", archive.toString());
      run(Map.of("FLAMINGO_DB_URL", b.url(), "FLAMINGO_SECRETS_DIR", secretsB.toString()), "../bin/restore", archive.toString());
      assertEquals(Files.readString(secretsA.resolve("kek")), Files.readString(secretsB.resolve("kek")));

      Server second = start(b, secretsB, Map.of());
      try (ApiClient api = new ApiClient(second.vertx(), second.port())) {
        Response k = api.get("/api/sync/key", token);
        assertEquals(200, k.status, k.toString());
        assertEquals(b64(key), k.data().getString("master_key"));
        Response blob = api.get("/api/sync/data/collection", token);
        assertEquals(written, blob.data());
        assertEquals(plaintext, StandaloneFlowTest.decrypt(key, blob.data()));
      } finally {
        second.vertx().close().await();
      }
    }
  }

  /**
   * The issue's case: a server whose kek file has FLAMINGO_KEK_ID=k2 (and an older KEK k1 still wrapping a key),
   * configured through FLAMINGO_CONFIG_FILE with a password in its database URL. Backed up and restored with the
   * same kind of config, then started normally (no KEK settings at all): both keys read.
   */
  @Test
  void aK2BackupThroughTheConfigFileRestoresAndStartsNormally() throws Exception {
    Path secretsA = Files.createTempDirectory("flamingo-secrets-a");
    Path secretsB = Files.createTempDirectory("flamingo-secrets-b");
    Files.delete(secretsB);
    Path dir = Files.createTempDirectory("flamingo-backup");
    Path archive = dir.resolve("backup.tar");
    Path calls = dir.resolve("calls.log");
    Path tools = recordingTools(dir.resolve("tools"), calls);
    byte[] k1 = random(32);
    byte[] oldKey = random(32);
    byte[] newKey = random(32);
    try (TestDatabase a = TestDatabase.create(); TestDatabase b = TestDatabase.create()) {
      String password = passwordOf(a.url());
      // phase 1: KEK k1 from the environment wraps the first account's key
      String oldToken;
      Server first = start(a, secretsA, Map.of("FLAMINGO_KEK", b64(k1), "FLAMINGO_KEK_ID", "k1"));
      try (ApiClient api = new ApiClient(first.vertx(), first.port())) {
        oldToken = Pairing.pairDevice(api, Pairing.register(api, "k1@example.com"), "Old");
        assertEquals(200, api.put("/api/sync/key", oldToken, new JsonObject().put("master_key", b64(oldKey))).status);
      } finally {
        first.vertx().close().await();
      }
      // phase 2: the kek file is the KEK now, with id k2; k1 stays readable as a previous KEK
      Map<String, String> serverConfig = Map.of("FLAMINGO_KEK_ID", "k2", "FLAMINGO_KEK_PREVIOUS", "k1:" + b64(k1));
      String newToken;
      Server second = start(a, secretsA, serverConfig);
      try (ApiClient api = new ApiClient(second.vertx(), second.port())) {
        newToken = Pairing.pairDevice(api, Pairing.register(api, "k2@example.com"), "New");
        assertEquals(200, api.put("/api/sync/key", newToken, new JsonObject().put("master_key", b64(newKey))).status);
        assertEquals(b64(oldKey), api.get("/api/sync/key", oldToken).data().getString("master_key"));
      } finally {
        second.vertx().close().await();
      }

      // backup: everything from the config file (the environment names only the file)
      JsonObject backupConfig = new JsonObject().put("FLAMINGO_DB_URL", withPassword(a.url(), password))
          .put("FLAMINGO_SECRETS_DIR", secretsA.toString()).put("FLAMINGO_HTTP_PORT", 8080);
      serverConfig.forEach(backupConfig::put);
      Path backupFile = writeConfig(dir.resolve("backup.json"), backupConfig);
      run(Map.of("FLAMINGO_CONFIG_FILE", backupFile.toString(), "PATH", tools + ":" + System.getenv("PATH")),
          "../bin/backup", archive.toString());
      // restore: the config file's database is unreachable, the environment's wins (as in the server)
      Path restoreFile = writeConfig(dir.resolve("restore.json"), new JsonObject()
          .put("FLAMINGO_DB_URL", "postgresql://postgres@127.0.0.1:1/nowhere").put("FLAMINGO_SECRETS_DIR", secretsB.toString()));
      run(Map.of("FLAMINGO_CONFIG_FILE", restoreFile.toString(), "FLAMINGO_DB_URL", withPassword(b.url(), password),
          "PATH", tools + ":" + System.getenv("PATH")), "../bin/restore", archive.toString());

      assertEquals("k2", Files.readString(secretsB.resolve("kek-id")).trim());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretsB.resolve("kek-previous"))));
      String log = Files.readString(calls);
      assertTrue(log.contains("pg_dump") && log.contains("pg_restore") && log.contains(b.name()), log);
      assertFalse(log.contains(password), "the database password was on a command line: " + log);

      // started normally: no FLAMINGO_KEK, FLAMINGO_KEK_ID or FLAMINGO_KEK_PREVIOUS
      Server restored = start(b, secretsB, Map.of());
      try (ApiClient api = new ApiClient(restored.vertx(), restored.port())) {
        Response k = api.get("/api/sync/key", newToken);
        assertEquals(200, k.status, k.toString());
        assertEquals(b64(newKey), k.data().getString("master_key"));
        Response old = api.get("/api/sync/key", oldToken);
        assertEquals(200, old.status, old.toString());
        assertEquals(b64(oldKey), old.data().getString("master_key"));
      } finally {
        restored.vertx().close().await();
      }
    }
  }

  /** A non-empty target database, or a secret that differs, stops the restore before it loads anything. */
  @Test
  void restoreChecksTheDatabaseAndTheSecretsBeforeLoadingAnything() throws Exception {
    Path secretsA = Files.createTempDirectory("flamingo-secrets-a");
    Path dir = Files.createTempDirectory("flamingo-backup");
    Path archive = dir.resolve("backup.tar");
    try (TestDatabase a = TestDatabase.create(); TestDatabase busy = TestDatabase.create();
         TestDatabase empty = TestDatabase.create()) {
      start(a, secretsA, Map.of()).vertx().close().await(); // migrated schemas and a kek file
      run(Map.of("FLAMINGO_DB_URL", a.url(), "FLAMINGO_SECRETS_DIR", secretsA.toString()), "../bin/backup", archive.toString());

      // a database that already holds something (here: one unrelated table) is refused
      sql(busy, "create table public.something_else (id int)");
      Path secretsBusy = dir.resolve("secrets-busy");
      String out = runFailing(Map.of("FLAMINGO_DB_URL", busy.url(), "FLAMINGO_SECRETS_DIR", secretsBusy.toString()),
          "../bin/restore", archive.toString());
      assertTrue(out.contains("not empty"), out);
      assertEquals(0, flamingoSchemas(busy), "nothing loaded into the busy database");
      assertFalse(Files.exists(secretsBusy.resolve("kek")), "no secret written");

      // a FLAMINGO_KEK in the environment that differs from the backup's is refused too
      out = runFailing(Map.of("FLAMINGO_DB_URL", empty.url(), "FLAMINGO_SECRETS_DIR", dir.resolve("secrets-env").toString(),
          "FLAMINGO_KEK", b64(random(32))), "../bin/restore", archive.toString());
      assertTrue(out.contains("FLAMINGO_KEK is set and differs"), out);
      assertEquals(0, flamingoSchemas(empty), "nothing loaded");

      // a kek in the target secrets directory that differs is refused, before the database is touched
      Path secretsEmpty = Files.createTempDirectory("flamingo-secrets-e");
      Files.writeString(secretsEmpty.resolve("kek"), b64(random(32)) + "\n");
      out = runFailing(Map.of("FLAMINGO_DB_URL", empty.url(), "FLAMINGO_SECRETS_DIR", secretsEmpty.toString()),
          "../bin/restore", archive.toString());
      assertTrue(out.contains("differs"), out);
      assertEquals(0, flamingoSchemas(empty), "nothing loaded before the secrets check");
      // so that a rerun, once the stray kek is moved away, simply works
      Files.delete(secretsEmpty.resolve("kek"));
      run(Map.of("FLAMINGO_DB_URL", empty.url(), "FLAMINGO_SECRETS_DIR", secretsEmpty.toString()), "../bin/restore", archive.toString());
      assertEquals(3, flamingoSchemas(empty));
      assertEquals(Files.readString(secretsA.resolve("kek")), Files.readString(secretsEmpty.resolve("kek")));
      // and a second restore into it is refused as not empty, not half-loaded
      out = runFailing(Map.of("FLAMINGO_DB_URL", empty.url(), "FLAMINGO_SECRETS_DIR", secretsEmpty.toString()),
          "../bin/restore", archive.toString());
      assertTrue(out.contains("not empty"), out);
      assertFalse(out.contains("already exists"), out);
    }
  }

  /**
   * The trap of a first day: a server started once on the target database has created and migrated it. The
   * refusal says why and names the ways out (drop it, or a new database); --replace without --yes changes
   * nothing; --replace --yes drops and recreates it and the restored server serves the backed-up account.
   */
  @Test
  void aDatabaseAServerStartedOnIsExplainedAndReplacedWithReplaceYes() throws Exception {
    Path secretsA = Files.createTempDirectory("flamingo-secrets-a");
    Path secretsTarget = Files.createTempDirectory("flamingo-secrets-t");
    Path secretsB = Files.createTempDirectory("flamingo-secrets-b");
    Files.delete(secretsB);
    Path archive = Files.createTempDirectory("flamingo-backup").resolve("backup.tar");
    try (TestDatabase a = TestDatabase.create(); TestDatabase target = TestDatabase.create()) {
      Server first = start(a, secretsA, Map.of());
      try (ApiClient api = new ApiClient(first.vertx(), first.port())) {
        Pairing.register(api, "replaced@example.com");
      } finally {
        first.vertx().close().await();
      }
      run(Map.of("FLAMINGO_DB_URL", a.url(), "FLAMINGO_SECRETS_DIR", secretsA.toString()), "../bin/backup", archive.toString());
      start(target, secretsTarget, Map.of()).vertx().close().await(); // the new machine's server, started once
      assertEquals(3, flamingoSchemas(target));

      Map<String, String> env = Map.of("FLAMINGO_DB_URL", target.url(), "FLAMINGO_SECRETS_DIR", secretsB.toString());
      String out = runFailing(env, "../bin/restore", archive.toString());
      assertTrue(out.contains("not empty") && out.contains("auth, data, device"), out);
      assertTrue(out.contains("server started once on a database creates and migrates"), "says why: " + out);
      assertTrue(out.contains("drop database") && out.contains("dropdb"), "names dropping it: " + out);
      assertTrue(out.contains("FLAMINGO_DB_URL=") && out.contains("/flamingo_restored"), "names a new database: " + out);
      assertTrue(out.contains("--replace --yes"), out);

      Result unconfirmed = exec(env, "../bin/restore", "--replace", archive.toString());
      assertEquals(2, unconfirmed.code(), unconfirmed.out());
      assertTrue(unconfirmed.out().contains("--yes"), unconfirmed.out());
      assertEquals(0, accounts(target), "nothing changed without --yes");

      run(env, "../bin/restore", "--replace", "--yes", archive.toString());
      assertEquals(1, accounts(target), "the backup's account");
      Server restored = start(target, secretsB, Map.of());
      try (ApiClient api = new ApiClient(restored.vertx(), restored.port())) {
        Response login = api.post("/api/auth/login", null, new JsonObject().put("email", "replaced@example.com")
            .put("password", Pairing.passwordOf("replaced@example.com")));
        assertEquals(200, login.status, login.toString());
      } finally {
        restored.vertx().close().await();
      }
    }
  }

  static int accounts(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select count(*) from auth.accounts")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The one-box server on {@code db}, with its secrets as files (not config) so that they are backed up. */
  record Server(Vertx vertx, int port) {}

  static Server start(TestDatabase db, Path secrets, Map<String, String> extra) {
    Vertx vertx = Vertx.vertx();
    int port = TestCluster.freePort();
    JsonObject config = TestConfig.base(db.url()).put(Settings.HTTP_PORT, port).put(Settings.SECRETS_DIR, secrets.toString())
        .put(Settings.GATEWAY_INSTANCES, 1);
    config.remove(Settings.JWT_SECRET);
    config.remove("FLAMINGO_KEK");
    config.remove("FLAMINGO_KEK_ID");
    extra.forEach(config::put);
    try {
      Services.deployAll(vertx, new Settings(config)).await();
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
    return new Server(vertx, port);
  }

  static void run(Map<String, String> env, String... command) throws Exception {
    Result r = exec(env, command);
    assertEquals(0, r.code, String.join(" ", command) + ": " + r.out);
  }

  static String runFailing(Map<String, String> env, String... command) throws Exception {
    Result r = exec(env, command);
    assertNotEquals(0, r.code, String.join(" ", command) + " should have failed: " + r.out);
    return r.out;
  }

  record Result(int code, String out) {}

  static Result exec(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    for (String inherited : List.copyOf(pb.environment().keySet())) {
      if (inherited.startsWith("FLAMINGO_")) {
        pb.environment().remove(inherited); // only what the test names
      }
    }
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }

  /** pg_dump, pg_restore and psql that log their command lines to {@code log}, then run the real ones. */
  static Path recordingTools(Path dir, Path log) throws Exception {
    Files.createDirectories(dir);
    for (String tool : List.of("pg_dump", "pg_restore", "psql")) {
      String real = which(tool);
      Path script = dir.resolve(tool);
      Files.writeString(script, "#!/bin/sh\nprintf '%s %s\\n' \"" + tool + "\" \"$*\" >> '" + log + "'\nexec '" + real + "' \"$@\"\n");
      script.toFile().setExecutable(true);
    }
    return dir;
  }

  static String which(String tool) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
    String path = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor();
    assertFalse(path.isEmpty(), tool + " is not installed");
    return path;
  }

  /** The database's password, or a made-up one when it has none (trust authentication ignores it). */
  static String passwordOf(String url) {
    String p = PgConnectOptions.fromUri(url).getPassword();
    return p == null || p.isEmpty() ? "s3cret-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random(9)) : p;
  }

  static String withPassword(String url, String password) {
    PgConnectOptions o = PgConnectOptions.fromUri(url);
    return "postgresql://" + o.getUser() + ":" + password + "@" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  static Path writeConfig(Path file, JsonObject config) throws Exception {
    Files.writeString(file, config.encodePrettily());
    return file;
  }

  static void sql(TestDatabase db, String statement) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  static int flamingoSchemas(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select count(*) from pg_namespace where nspname in ('auth', 'data', 'device')")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
