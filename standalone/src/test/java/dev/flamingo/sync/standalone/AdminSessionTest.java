package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.standalone.AdminCommandTest.Result;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/flamingo-admin login} keeps one session for a run of commands, against the one-box server with the
 * default login limit (10 a minute): the commands after it sign in no more (one auth.login in the admin's
 * activity, no 429), the session file holds the cookie only with mode 0600, {@code logout} ends the session on
 * the server, and a session file readable by group or others is refused.
 */
class AdminSessionTest {
  static final String ORIGIN_ADMIN = "session-admin@example.com";
  static final String LOGOUT_ADMIN = "session-logout@example.com";
  static final Path SCRIPT = Path.of("..", "bin", "flamingo-admin");

  static OneBoxServer server;
  static ApiClient api;
  static String url;
  static String adminCookie;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    int port = TestCluster.freePort();
    url = "http://127.0.0.1:" + port;
    // the default login limit on purpose: a command that signs in each time runs into it
    server = OneBoxServer.start(port, new JsonObject().put(Settings.PUBLIC_URL, url)
        .put(Settings.RATE_LIMIT_REGISTER, "1000/60"));
    api = server.api();
    adminCookie = Pairing.register(api, ORIGIN_ADMIN);
    server.grantAdmin(ORIGIN_ADMIN);
    Pairing.register(api, LOGOUT_ADMIN);
    server.grantAdmin(LOGOUT_ADMIN);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** bin/flamingo-admin as {@code email} with the session file {@code session}; the password in the environment. */
  static Result run(String email, Path session, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("FLAMINGO_ADMIN_URL", url);
    env.put("FLAMINGO_ADMIN_EMAIL", email);
    env.put("FLAMINGO_ADMIN_PASSWORD", Pairing.passwordOf(email));
    env.put("FLAMINGO_ADMIN_SESSION_FILE", session.toString());
    Result r = AdminCommandTest.exec(env, "", args);
    assertFalse(r.out().contains(Pairing.passwordOf(email)) || r.err().contains(Pairing.passwordOf(email)), r.toString());
    return r;
  }

  static long count(JsonArray events, String type) {
    return events.stream().map(o -> (JsonObject) o).filter(e -> type.equals(e.getString("event_type"))).count();
  }

  @Test
  void oneLoginServesTwelveCommandsWithOneAuthLoginAndNoRateLimit() throws Exception {
    Path session = dir.resolve("config").resolve("admin-session");
    Result login = run(ORIGIN_ADMIN, session, "login");
    assertEquals(0, login.code(), login.toString());
    assertTrue(login.out().contains(session.toString()), login.toString());
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(session), "the session file is 0600");
    String kept = Files.readString(session);
    assertTrue(kept.contains("flamingo_login="), kept);
    assertFalse(kept.contains(Pairing.passwordOf(ORIGIN_ADMIN)), "the cookie only, never the password: " + kept);

    List<String> commands = List.of("accounts", "figures", "signups", "invites", "log", "accounts", "figures",
        "signups", "invites", "log", "accounts", "figures");
    List<String> failures = new ArrayList<>();
    for (String command : commands) {
      Result r = run(ORIGIN_ADMIN, session, command);
      if (r.code() != 0) {
        failures.add(command + ": " + r);
      }
    }
    assertEquals(List.of(), failures, "every command runs on the kept session (no 429)");

    // a failed sign-in marks the end of the commands in the admin's activity; once it is there, count the logins
    assertEquals(401, api.post("/api/auth/login", null, new JsonObject().put("email", ORIGIN_ADMIN)
        .put("password", "not the password at all 42")).status);
    long deadline = System.currentTimeMillis() + 30_000;
    JsonArray events = new JsonArray();
    while (count(events, "auth.login.failed") == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      events = api.web(HttpMethod.GET, "/api/web/audit?limit=100", adminCookie, url, null).body.getJsonArray("data");
    }
    assertEquals(1, count(events, "auth.login.failed"), events.encodePrettily());
    assertEquals(1, count(events, "auth.login"), "one sign-in for the run of commands: " + events.encodePrettily());
    assertEquals(0, count(events, "auth.logout"), events.encodePrettily());
  }

  @Test
  void logoutEndsTheSessionOnTheServerAndDeletesTheFile() throws IOException {
    Path session = dir.resolve("admin-session");
    assertEquals(0, run(LOGOUT_ADMIN, session, "login").code());
    Path copy = dir.resolve("copy");
    Files.copy(session, copy, StandardCopyOption.COPY_ATTRIBUTES);
    Result logout = run(LOGOUT_ADMIN, session, "logout");
    assertEquals(0, logout.code(), logout.toString());
    assertFalse(Files.exists(session), "logout deletes the session file");

    // the cookie it held no longer signs anything in: the command says to log in again
    Files.copy(copy, session, StandardCopyOption.COPY_ATTRIBUTES);
    Result after = run(LOGOUT_ADMIN, session, "accounts");
    assertEquals(1, after.code(), after.toString());
    assertEquals("", after.out(), after.toString());
    assertTrue(after.err().contains("run flamingo-admin login"), after.toString());
  }

  @Test
  void aSessionFileReadableByGroupOrOthersIsRefused() throws IOException {
    Path session = dir.resolve("admin-session");
    Files.writeString(session, new JsonObject().put("url", url).put("email", ORIGIN_ADMIN)
        .put("cookie", "flamingo_login=whatever").encode());
    Files.setPosixFilePermissions(session, PosixFilePermissions.fromString("rw-r-----"));
    Result r = run(ORIGIN_ADMIN, session, "accounts");
    assertEquals(1, r.code(), r.toString());
    assertEquals("", r.out(), r.toString());
    assertTrue(r.err().contains("readable by group or others"), r.toString());
  }

  /**
   * Behind https the login is the {@code __Host-flamingo_login} cookie: kept as it was set, used by the commands
   * after it, ended by logout. The one-box server's public URL is https; a TLS front (a certificate made here and
   * trusted through SSL_CERT_FILE) forwards to it as a proxy would.
   */
  @Test
  void theHostOnlyCookieOfAnHttpsServerIsKeptUsedAndEnded() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
    openssl.getInputStream().readAllBytes();
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl made no certificate");
    int frontPort = TestCluster.freePort();
    String https = "https://localhost:" + frontPort;
    String email = "session-https@example.com";
    try (OneBoxServer behind = OneBoxServer.start(new JsonObject().put(Settings.PUBLIC_URL, https))) {
      HttpClient client = behind.vertx().createHttpClient();
      HttpServer front = behind.vertx().createHttpServer(new HttpServerOptions().setSsl(true)
              .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString())))
          .requestHandler(req -> req.body()
              .compose(body -> client.request(req.method(), behind.port(), "127.0.0.1", req.uri()).compose(out -> {
                req.headers().forEach(h -> out.headers().add(h.getKey(), h.getValue()));
                return out.send(body);
              }))
              .compose(answer -> answer.body().map(b -> {
                answer.headers().forEach(h -> {
                  String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
                  if (!name.equals("transfer-encoding") && !name.equals("connection") && !name.equals("content-length")) {
                    req.response().headers().add(h.getKey(), h.getValue());
                  }
                });
                return req.response().setStatusCode(answer.statusCode()).end(b);
              }))
              .onFailure(e -> req.response().setStatusCode(502).end()))
          .listen(frontPort, "127.0.0.1").await();
      try {
        assertEquals(200, behind.api().send(HttpMethod.POST, "/api/auth/register", null,
            io.vertx.core.buffer.Buffer.buffer(new JsonObject().put("email", email)
                .put("password", Pairing.passwordOf(email)).encode()), Map.of("Origin", https)).status);
        behind.grantAdmin(email);
        Path session = dir.resolve("https-session");
        Map<String, String> env = new HashMap<>(Map.of("FLAMINGO_ADMIN_URL", https, "FLAMINGO_ADMIN_EMAIL", email,
            "FLAMINGO_ADMIN_PASSWORD", Pairing.passwordOf(email), "FLAMINGO_ADMIN_SESSION_FILE", session.toString(),
            "SSL_CERT_FILE", cert.toString()));
        Result login = AdminCommandTest.exec(env, "", "login");
        assertEquals(0, login.code(), login.toString());
        assertTrue(Files.readString(session).contains("__Host-flamingo_login="), Files.readString(session));
        env.remove("FLAMINGO_ADMIN_PASSWORD"); // the kept session needs none
        Result figures = AdminCommandTest.exec(env, "", "figures");
        assertEquals(0, figures.code(), figures.toString());
        Path copy = dir.resolve("https-copy");
        Files.copy(session, copy, StandardCopyOption.COPY_ATTRIBUTES);
        Result logout = AdminCommandTest.exec(env, "", "logout");
        assertEquals(0, logout.code(), logout.toString());
        Files.copy(copy, session, StandardCopyOption.COPY_ATTRIBUTES);
        Result after = AdminCommandTest.exec(env, "", "figures");
        assertEquals(1, after.code(), after.toString());
        assertTrue(after.err().contains("run flamingo-admin login"), after.toString());
      } finally {
        front.close().await();
        client.close().await();
      }
    }
  }
}
