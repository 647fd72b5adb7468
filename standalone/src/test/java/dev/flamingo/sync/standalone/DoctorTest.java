package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.gateway.GatewayVerticle;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/flamingo-doctor} run as a process against the real one-box server: straight at its gateway every check
 * passes; behind a real nginx (deploy/nginx.conf, as {@link NginxProxyTest} runs it) the good configuration passes
 * and each deliberately broken one fails exactly its check, with the fix: a small client_max_body_size (nginx's
 * HTML 413), a proxy that sends no X-Forwarded-For (the gateway sees the proxy's 127.0.0.2, not the doctor's
 * 127.0.0.1), a proxy answering unknown /api/ paths with its own HTML 404.
 *
 * <p>The proxied gateway is a second gateway verticle in the same process (same bus, same services) whose public URL
 * is nginx's and which trusts only 127.0.0.2, the address nginx connects from ({@code proxy_bind}).
 */
class DoctorTest {
  static final Path SCRIPT = Path.of("..", "bin", "flamingo-doctor");
  static final List<String> CHECKS = List.of("reachable", "https", "login-cookie", "public-url", "cors", "api-404",
      "json-413", "upload-size", "client-ip", "clock");
  /** The gateways' upload limit: larger than nginx's default 1m, small enough for a busy machine. */
  static final long MAX_BODY_BYTES = 2L * 1024 * 1024;

  static OneBoxServer server;
  static String directUrl;
  static int proxiedGatewayPort;
  /** A gateway left with an https public URL for another host while reached over plain http. */
  static String misconfiguredUrl;
  /** nginx with TLS (a self-signed certificate for 127.0.0.1, given to the doctor with --ca-file). */
  static int tlsPort;
  static String tlsUrl;
  /** A gateway whose public URL is the TLS proxy's. */
  static int secureGatewayPort;
  static int nginxPort;
  static String proxyUrl;
  static Path dir;
  Process nginx;

  static JsonObject settings(String publicUrl) {
    return new JsonObject().put(Settings.PUBLIC_URL, publicUrl).put(Settings.MAX_BODY_BYTES, MAX_BODY_BYTES)
        .put(Settings.RATE_LIMIT_INIT, "1000/60").put(Settings.RATE_LIMIT_SERVER, "1000/60")
        .put(Settings.RATE_LIMIT_LOGIN, "1000/60");
  }

  @BeforeAll
  static void start() throws Exception {
    int port = TestCluster.freePort();
    directUrl = "http://127.0.0.1:" + port;
    nginxPort = TestCluster.freePort();
    proxyUrl = "http://127.0.0.1:" + nginxPort;
    server = OneBoxServer.start(port, settings(directUrl));
    GatewayVerticle proxied = new GatewayVerticle();
    server.vertx().deployVerticle(proxied, new DeploymentOptions().setConfig(TestConfig.base(server.db().url())
        .mergeIn(settings(proxyUrl)).put(Settings.TRUSTED_PROXIES, "127.0.0.2/32"))).await();
    proxiedGatewayPort = proxied.actualPort();
    GatewayVerticle misconfigured = new GatewayVerticle();
    server.vertx().deployVerticle(misconfigured, new DeploymentOptions().setConfig(TestConfig.base(server.db().url())
        .mergeIn(settings("https://localhost:8443")))).await();
    misconfiguredUrl = "http://127.0.0.1:" + misconfigured.actualPort();
    tlsPort = TestCluster.freePort();
    tlsUrl = "https://127.0.0.1:" + tlsPort;
    GatewayVerticle secure = new GatewayVerticle();
    server.vertx().deployVerticle(secure, new DeploymentOptions().setConfig(TestConfig.base(server.db().url())
        .mergeIn(settings(tlsUrl)).put(Settings.TRUSTED_PROXIES, "127.0.0.2/32"))).await();
    secureGatewayPort = secure.actualPort();
    dir = Files.createTempDirectory("flamingo-doctor");
    // nginx's workers (user nobody when the test runs as root) buffer request bodies in its temp paths here
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @AfterEach
  void stopNginx() throws Exception {
    if (nginx != null) {
      nginx.destroy();
      nginx.waitFor(30, TimeUnit.SECONDS);
      nginx = null;
    }
  }

  record Result(int code, String out, String err, Map<String, String> checks) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }

    /** The line of a check and its fix line, for messages. */
    String lineOf(String check) {
      int at = out.indexOf("  " + check + " ");
      if (at < 0) {
        return "";
      }
      int start = out.lastIndexOf('\n', at) + 1;
      int end = out.indexOf('\n', out.indexOf('\n', at) + 1);
      return out.substring(start, end < 0 ? out.length() : end);
    }
  }

  static final Pattern LINE = Pattern.compile("^(PASS|WARN|FAIL|SKIP)\\s+(\\S+)\\s", Pattern.MULTILINE);

  static Result doctor(String... args) throws Exception {
    Path out = Files.createTempFile(dir, "doctor", ".out");
    Path err = Files.createTempFile(dir, "doctor", ".err");
    List<String> command = new ArrayList<>(List.of("python3", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("FLAMINGO_"));
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/flamingo-doctor " + String.join(" ", args) + " did not end within 180 s");
    }
    String text = Files.readString(out);
    Map<String, String> checks = new LinkedHashMap<>();
    Matcher m = LINE.matcher(text);
    while (m.find()) {
      checks.put(m.group(2), m.group(1));
    }
    return new Result(p.exitValue(), text, Files.readString(err), checks);
  }

  /** Every check is listed; those named in {@code failing} FAIL with a fix containing its text, every other PASSes. */
  static void assertChecks(Result r, Map<String, String> failing) {
    assertEquals(CHECKS, List.copyOf(r.checks.keySet()), "one line per check, in order: " + r);
    for (String check : CHECKS) {
      String fix = failing.get(check);
      assertEquals(fix == null ? "PASS" : "FAIL", r.checks.get(check), check + ": " + r);
      if (fix != null) {
        String lines = r.lineOf(check);
        assertTrue(lines.contains("fix: ") && lines.contains(fix), check + "'s fix names " + fix + ": " + r);
      }
    }
    assertEquals(failing.isEmpty() ? 0 : 1, r.code, r.toString());
  }

  /** deploy/nginx.conf in front of the proxied gateway, connecting from 127.0.0.2, with {@code edit} applied. */
  void startNginx(UnaryOperator<String> edit) throws Exception {
    startNginx(proxiedGatewayPort, nginxPort, false, edit);
  }

  /** deploy/nginx.conf on {@code port} (with TLS: 127.0.0.1's certificate) in front of the gateway on {@code upstream}. */
  void startNginx(int upstream, int port, boolean tls, UnaryOperator<String> edit) throws Exception {
    Nginx.require("DoctorTest");
    String site = Files.readString(Path.of("..", "deploy", "nginx.conf"))
        .replace(" resolve;", ";")
        .replace("resolver 127.0.0.11 valid=10s ipv6=off;", "")
        .replace("server gateway:8080", "server 127.0.0.1:" + upstream)
        .replace("listen 8080;", "listen 127.0.0.1:" + port + (tls ? " ssl;\n  ssl_certificate " + certificate()
            + ";\n  ssl_certificate_key " + dir.resolve("key.pem") + ";" : ";"))
        .replace("/var/log/nginx/access.log", dir.resolve("access.log").toString())
        .replace("    proxy_pass http://flamingo_gateways;\n", "    proxy_pass http://flamingo_gateways;\n    proxy_bind 127.0.0.2;\n");
    assertTrue(site.contains("proxy_bind 127.0.0.2;"), site);
    site = edit.apply(site);
    nginx = Nginx.start(dir, site);
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException e) {
        if (!nginx.isAlive()) {
          break;
        }
        Thread.sleep(100);
      }
    }
    throw new AssertionError("nginx did not start: " + Files.readString(dir.resolve("stdout.log")) + "\n" + site);
  }

  /** A self-signed certificate for the address 127.0.0.1 (made once, with openssl): its own CA for --ca-file. */
  static synchronized Path certificate() throws Exception {
    Path cert = dir.resolve("cert.pem");
    if (!Files.exists(cert)) {
      Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
          "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
          "-keyout", dir.resolve("key.pem").toString(), "-out", cert.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, Files.readString(dir.resolve("openssl.log")));
      Files.setPosixFilePermissions(dir.resolve("key.pem"),
          PosixFilePermissions.fromString("rw-r--r--")); // nginx's master reads it
    }
    return cert;
  }

  @Test
  void everyCheckPassesStraightAtTheServer() throws Exception {
    Result r = doctor(directUrl);
    assertChecks(r, Map.of());
    assertTrue(r.out.contains("flamingo-sync 0.1.0"), "the version is printed: " + r);
    assertTrue(r.out.contains("all 10 checks passed"), r.toString());
  }

  @Test
  void theShippedNginxConfigPasses() throws Exception {
    startNginx(site -> site);
    Result r = doctor("--json", proxyUrl);
    assertEquals(0, r.code, r.toString());
    JsonObject report = new JsonObject(r.out);
    assertEquals(true, report.getBoolean("ok"), r.toString());
    assertTrue(report.getString("version").startsWith("0.1.0"), r.toString());
    Map<String, String> statuses = new LinkedHashMap<>();
    report.getJsonArray("checks").forEach(c -> statuses.put(((JsonObject) c).getString("check"),
        ((JsonObject) c).getString("status")));
    assertEquals(CHECKS, List.copyOf(statuses.keySet()), r.toString());
    statuses.forEach((check, status) -> assertEquals("PASS", status, check + ": " + r));
  }

  @Test
  void httpsThroughTheShippedNginxConfigPasses() throws Exception {
    startNginx(secureGatewayPort, tlsPort, true, site -> site);
    Result r = doctor("--ca-file", certificate().toString(), tlsUrl);
    assertChecks(r, Map.of());
    assertTrue(r.lineOf("https").contains("Strict-Transport-Security: max-age=31536000"), r.toString());
    assertTrue(r.lineOf("login-cookie").contains("__Host-flamingo_login: Secure"), r.toString());
  }

  @Test
  void tlsOnTheProxyWithAnHttpPublicUrlFails() throws Exception {
    // TLS added to the proxy, FLAMINGO_PUBLIC_URL left at http: no HSTS, browser sign-in refused, http login links
    startNginx(proxiedGatewayPort, tlsPort, true, site -> site);
    Result r = doctor("--skip-upload", "--ca-file", certificate().toString(), tlsUrl);
    Map<String, String> checks = new LinkedHashMap<>(r.checks);
    assertEquals("SKIP", checks.put("upload-size", "PASS"), r.toString());
    String fix = "FLAMINGO_PUBLIC_URL=" + tlsUrl;
    assertChecks(new Result(r.code, r.out, r.err, checks), Map.of("https", fix, "login-cookie", fix, "public-url", fix));
    // nginx passes the browser's Host ($http_host, port included), so the page's own origin is accepted, and the
    // cookie it gets is the plain-http one: not Secure over https
    assertTrue(r.lineOf("login-cookie").contains("over https the server sets flamingo_login"), r.toString());
  }

  @Test
  void aSmallClientMaxBodySizeFailsBothBodyChecks() throws Exception {
    startNginx(site -> site.replace("client_max_body_size 12m;", "client_max_body_size 8k;"));
    Result r = doctor(proxyUrl);
    assertChecks(r, Map.of("json-413", "client_max_body_size 3m", "upload-size", "client_max_body_size 3m"));
    assertTrue(r.lineOf("upload-size").contains("HTTP 413 (text/html"), "the proxy's HTML 413 is named: " + r);
  }

  @Test
  void aProxyWithoutXForwardedForFailsTheClientAddress() throws Exception {
    startNginx(site -> {
      String line = "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n";
      assertTrue(site.contains(line), site);
      return site.replace(line, "");
    });
    Result r = doctor(proxyUrl);
    assertChecks(r, Map.of("client-ip", "FLAMINGO_TRUSTED_PROXIES=127.0.0.2"));
    assertTrue(r.lineOf("client-ip").contains("X-Forwarded-For"), r.toString());
    assertTrue(r.lineOf("client-ip").contains("sees this client as 127.0.0.2"), r.toString());
  }

  @Test
  void aProxyAnsweringUnknownApiPathsItselfFailsThe404Check() throws Exception {
    startNginx(site -> {
      // the operator proxied only the /api/ routes they knew of, and nginx answers the rest with its own page
      int start = site.indexOf("  location / {");
      int end = site.indexOf("\n  }\n", start) + 5;
      String block = site.substring(start, end);
      StringBuilder known = new StringBuilder("  location /api/ { return 404; }\n");
      for (String prefix : List.of("/api/server", "/api/sync/", "/api/auth/")) {
        known.append(block.replace("location / {", "location " + prefix + " {"));
      }
      return site.substring(0, start) + known + site.substring(start);
    });
    Result r = doctor("--skip-upload", proxyUrl);
    assertEquals("SKIP", r.checks.get("upload-size"), r.toString());
    Map<String, String> checks = new LinkedHashMap<>(r.checks);
    checks.put("upload-size", "PASS"); // skipped on request: not a failure
    assertChecks(new Result(r.code, r.out, r.err, checks), Map.of("api-404", "proxy all of /api/ to the gateway"));
    assertTrue(r.lineOf("api-404").contains("text/html"), r.toString());
  }

  @Test
  void aProxyAnsweringPreflightsItselfFailsCors() throws Exception {
    startNginx(site -> site.replace("  location / {\n", "  location / {\n    if ($request_method = OPTIONS) { return 204; }\n"));
    Result r = doctor("--skip-upload", proxyUrl);
    Map<String, String> checks = new LinkedHashMap<>(r.checks);
    assertEquals("SKIP", checks.put("upload-size", "PASS"), r.toString());
    assertChecks(new Result(r.code, r.out, r.err, checks), Map.of("cors", "let OPTIONS requests to /api/ through"));
    assertTrue(r.lineOf("cors").contains("Access-Control-Allow-Origin missing"), r.toString());
  }

  @Test
  void aPublicUrlOtherThanTheOneUsedFailsThePublicUrlAndCookieChecks() throws Exception {
    // the classic: FLAMINGO_PUBLIC_URL left at a localhost address, and https where the clients come over http
    Result r = doctor("--skip-upload", misconfiguredUrl);
    Map<String, String> checks = new LinkedHashMap<>(r.checks);
    assertEquals("SKIP", checks.put("upload-size", "PASS"), r.toString());
    assertChecks(new Result(r.code, r.out, r.err, checks), Map.of(
        "public-url", "set FLAMINGO_PUBLIC_URL=" + misconfiguredUrl,
        "login-cookie", "FLAMINGO_PUBLIC_URL=" + misconfiguredUrl));
    assertTrue(r.lineOf("public-url").contains("https://localhost:8443/login?token="), "the login link shown: " + r);
    assertTrue(r.lineOf("login-cookie").contains("__Host-flamingo_login"), r.toString());
  }

  @Test
  void theDefaultLocalhostPublicUrlPassesWhenReachedAt127001() throws Exception {
    // bin/standalone without FLAMINGO_PUBLIC_URL says http://localhost:<port>; the first-hour check of it is
    // bin/flamingo-doctor http://127.0.0.1:<port>: loopback names (localhost, 127.0.0.0/8, ::1) are the same host
    int port = TestCluster.freePort();
    JsonObject config = TestConfig.base(server.db().url()).mergeIn(settings(directUrl)).put(Settings.HTTP_PORT, port);
    config.remove(Settings.PUBLIC_URL);
    String id = server.vertx().deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)).await();
    try {
      Result r = doctor("--skip-upload", "http://127.0.0.1:" + port);
      Map<String, String> checks = new LinkedHashMap<>(r.checks);
      assertEquals("SKIP", checks.put("upload-size", "PASS"), r.toString());
      assertChecks(new Result(r.code, r.out, r.err, checks), Map.of());
      assertTrue(r.lineOf("public-url").contains("http://localhost:" + port), "the server's URL is named: " + r);
    } finally {
      server.vertx().undeploy(id).await();
    }
  }

  @Test
  void aServerClockTenMinutesBehindFailsTheClock() throws Exception {
    // a stand-in for the server whose clock is 10 minutes behind: in /api/server's time and in the Date header
    int port = TestCluster.freePort();
    String url = "http://127.0.0.1:" + port;
    HttpServer fake = server.vertx().createHttpServer().requestHandler(req -> {
      Instant behind = Instant.now().minusSeconds(600);
      JsonObject data = new JsonObject().put("name", "flamingo-sync").put("version", "test")
          .put("time", behind.toString()).put("public_url", url).put("client_ip", "127.0.0.1")
          .put("max_request_bytes", 4096).put("max_json_bytes", 1024);
      req.response().putHeader("Content-Type", "application/json")
          .putHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME
              .format(behind.atZone(ZoneOffset.UTC)))
          .end(new JsonObject().put("success", true).put("data", data).encode());
    }).listen(port, "127.0.0.1").await();
    try {
      Result r = doctor("--skip-upload", url);
      assertEquals(1, r.code, r.toString());
      assertEquals("PASS", r.checks.get("reachable"), r.toString());
      assertEquals("FAIL", r.checks.get("clock"), r.toString());
      assertTrue(r.lineOf("clock").contains("server time -600") && r.lineOf("clock").contains("NTP"), r.toString());
      assertEquals("PASS", doctor("--skip-upload", "--max-skew", "900", url).checks.get("clock"));
    } finally {
      fake.close().await();
    }
  }

  @Test
  void nothingListeningFailsReachableAndUsageErrorsExit2() throws Exception {
    Result down = doctor("http://127.0.0.1:" + TestCluster.freePort());
    assertEquals(1, down.code, down.toString());
    assertEquals("FAIL", down.checks.get("reachable"), down.toString());
    assertEquals(CHECKS, List.copyOf(down.checks.keySet()), down.toString());
    down.checks.forEach((check, status) -> assertTrue(check.equals("reachable") || status.equals("SKIP"), down.toString()));
    assertEquals(2, doctor().code);
    assertEquals(2, doctor("ftp://127.0.0.1/").code);
    assertEquals(2, doctor("--expect-ip", "not-an-ip", directUrl).code);
  }
}
