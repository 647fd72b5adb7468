package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.testing.TestCluster;
import dev.flamingo.sync.testing.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Settings as a self-hoster writes them, through the packaged one-JVM server (issue 26): a database password with
 * {@code /}, {@code @}, {@code #} and {@code :} works, percent-encoded in the URL or apart in
 * {@code FLAMINGO_DB_PASSWORD}; a raw one in the URL, a bad value or a misspelt name stops the start in one line
 * naming the variable, exit 2, before the database is connected to, and never shows the password.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class StartupSettingsIT {
  static final String PASSWORD = "Tr0ub4dor/@#:wide-orbit";

  @Test
  void aDatabasePasswordWithSlashAtHashAndColonIsAcceptedEncodedOrApart() throws Exception {
    String role = "flamingo_pw_" + Long.toHexString(System.nanoTime());
    try (TestDatabase db = TestDatabase.create()) {
      try (Connection c = db.connect(); Statement s = c.createStatement()) {
        s.execute("create role " + role + " login password '" + PASSWORD.replace("'", "''") + "'");
        s.execute("alter database " + db.name() + " owner to " + role);
      }
      var base = io.vertx.pgclient.PgConnectOptions.fromUri(db.url());
      String hostPart = base.getHost() + ":" + base.getPort() + "/" + db.name();
      String encoded = URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
      try (StandaloneOutputIT.Server server = StandaloneOutputIT.Server.start("db-password-encoded", db,
          Map.of("FLAMINGO_DB_URL", "postgresql://" + role + ":" + encoded + "@" + hostPart))) {
        assertEquals(200, StandaloneOutputIT.get(server.port, "/api/server", null).statusCode());
        assertFalse((server.stdout() + server.stderr()).contains(PASSWORD), "the password is never shown");
      }
      try (StandaloneOutputIT.Server server = StandaloneOutputIT.Server.start("db-password-apart", db,
          Map.of("FLAMINGO_DB_URL", "postgresql://" + role + "@" + hostPart, "FLAMINGO_DB_PASSWORD", PASSWORD))) {
        assertEquals(200, StandaloneOutputIT.get(server.port, "/api/server", null).statusCode());
        assertFalse((server.stdout() + server.stderr()).contains(PASSWORD), "the password is never shown");
      }
    } finally {
      try (TestDatabase admin = TestDatabase.create(); Connection c = admin.connect(); Statement s = c.createStatement()) {
        s.execute("drop role if exists " + role);
      }
    }
  }

  @Test
  void aRawPasswordInTheUrlStopsTheStartInOneLineWithoutIt() throws Exception {
    Refusal r = refuse("raw-db-password",
        Map.of("FLAMINGO_DB_URL", "postgresql://flamingo:" + PASSWORD + "@127.0.0.1:5432/flamingo"));
    assertTrue(r.line.startsWith("Flamingo Sync cannot start: FLAMINGO_DB_URL cannot be read"), r.line);
    assertTrue(r.line.contains("percent-encode") && r.line.contains("FLAMINGO_DB_PASSWORD"), r.line);
    assertFalse(r.all.contains("Tr0ub4dor"), "the password is never shown: " + r.all);
  }

  @Test
  void badValuesAndMisspeltNamesStopTheStartInOneLineBeforeTheDatabase() throws Exception {
    Map<String, String> cases = Map.of(
        "FLAMINGO_PUBLIC_URL=sync.example.com", "FLAMINGO_PUBLIC_URL=sync.example.com is not a public URL",
        "FLAMINGO_HTTP_PORT=80800", "FLAMINGO_HTTP_PORT=80800 is not a port (1 to 65535)",
        "FLAMINGO_RATE_LIMIT_LOGIN=10", "FLAMINGO_RATE_LIMIT_LOGIN=10 is not a rate limit: COUNT/SECONDS",
        "FLAMINGO_PUBLIC_ULR=https://sync.example.com",
        "FLAMINGO_PUBLIC_ULR is not a setting of this server: did you mean FLAMINGO_PUBLIC_URL?");
    for (var e : cases.entrySet()) {
      String[] kv = e.getKey().split("=", 2);
      // nothing listens on port 1: a start that reached the database would say so instead
      Refusal r = refuse("bad-" + kv[0].toLowerCase(), Map.of(kv[0], kv[1],
          "FLAMINGO_DB_URL", "postgresql://postgres@127.0.0.1:1/flamingo"));
      assertTrue(r.line.startsWith("Flamingo Sync cannot start: " + e.getValue()), r.line);
    }
  }

  record Refusal(String line, String all) {}

  /** Starts the packaged server with {@code env}: it must exit 2 with exactly one line on stderr. */
  static Refusal refuse(String name, Map<String, String> env) throws Exception {
    Path jar = Path.of("target", "standalone-0.1.0-SNAPSHOT-fat.jar");
    assertTrue(Files.exists(jar), jar + " is missing: the *IT tests run after the package phase");
    Path dir = Files.createDirectories(Path.of("target", "processes"));
    Path out = dir.resolve("settings-" + name + ".out");
    Path err = dir.resolve("settings-" + name + ".err");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("FLAMINGO_"));
    pb.environment().put("FLAMINGO_HTTP_PORT", String.valueOf(TestCluster.freePort()));
    pb.environment().put("FLAMINGO_SECRETS_DIR", Files.createTempDirectory("flamingo-settings-it").toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the server must exit, not hang");
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    String all = Files.readString(out, StandardCharsets.UTF_8) + stderr;
    assertEquals(2, p.exitValue(), all);
    List<String> lines = stderr.lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one line:\n" + all);
    assertFalse(all.contains("\tat "), "no stack trace:\n" + all);
    return new Refusal(lines.get(0), all);
  }
}
