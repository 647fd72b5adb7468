package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flamingo.sync.testing.TestCluster;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a self-hoster sees in the first hour: the one-box server started from its fat jar as
 * {@code bin/standalone} starts it, its stdout and stderr read. One "listening" line; no "already registered"
 * warning; no ANSI escape; the banner names the address other machines use as {@code FLAMINGO_PUBLIC_URL}
 * while it is not set; with {@code FLAMINGO_LOG_FORMAT=JSON} every stdout line is a JSON object with an ISO-8601
 * timestamp, the access line's fields are fields, and the banner is an event; and {@code /metrics}, before any
 * other request, has a HELP line and a sample of every {@code flamingo_*} meter the Operations table of
 * docs/operating.md documents.
 */
// longer than the 5-minute default (junit-platform.properties): builds and starts the packaged server as a process
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class StandaloneOutputIT {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void textOutputIsCleanAndTheBannerSaysWhatOtherMachinesUse() throws Exception {
    try (TestDatabase db = TestDatabase.create(); Server server = Server.start("text", db, Map.of())) {
      String metrics = get(server.port, "/metrics", null).body(); // the first request
      assertDocumentedMetersAtStart(metrics);
      // issue 26: a statement counter for each service, not data's only; readiness pings every service's database
      Map<String, Double> before = new LinkedHashMap<>();
      for (String service : SERVICES) {
        before.put(service, statements(metrics, service));
      }
      assertEquals(200, get(server.port, "/health/ready", null).statusCode());
      String after = get(server.port, "/metrics", null).body();
      for (String service : SERVICES) {
        assertTrue(statements(after, service) > before.get(service),
            service + "'s statements did not move with /health/ready: " + before + "\n" + flamingo(after));
      }
      get(server.port, "/api/no-such-route", null);
      server.awaitStdout("/api/no-such-route");
      server.stop();
      String out = server.stdout();
      String all = out + server.stderr();

      assertEquals(1, count(out, "Gateway listening on port " + server.port), "one listening line:\n" + out);
      assertFalse(all.contains("already registered"), "a duplicate meter registration was logged:\n" + all);
      assertEquals(-1, all.indexOf('\u001b'), "an ANSI escape in the output:\n" + all);

      String local = "http://localhost:" + server.port;
      String other = line(out, "Other machines:");
      assertTrue(other.contains("set FLAMINGO_PUBLIC_URL=http://"), other);
      assertTrue(other.contains("login links say " + local + " until then"), other);
      List<String> addresses = nonLoopbackIpv4();
      if (!addresses.isEmpty()) {
        assertTrue(addresses.stream().anyMatch(a -> other.contains("FLAMINGO_PUBLIC_URL=http://" + a + ":" + server.port)),
            "the banner names one of this machine's addresses " + addresses + ": " + other);
      }
      assertFalse(other.contains("FLAMINGO_PUBLIC_URL=http://localhost") || other.contains("FLAMINGO_PUBLIC_URL=http://127."),
          other);
      assertTrue(line(out, "Flamingo Sync is running").contains("FLAMINGO_PUBLIC_URL is not set"), out);
      // issue 26: where it listens (every interface by default, not "this machine only"), whether sign-ups are
      // open, and, with no admin yet (auth-service's answer over the bus), the command that makes the first
      assertFalse(out.contains("this machine only"), out);
      assertTrue(line(out, "Listening on").contains("every interface (0.0.0.0), port " + server.port), out);
      assertTrue(line(out, "Sign-ups:").contains("open: anyone who reaches the server can create an account"), out);
      assertTrue(line(out, "admin grant").contains("No admin yet: sign up at " + local + "/login, then run:"
          + " bin/standalone admin grant EMAIL"), out);
    }
  }

  @Test
  void jsonLogsAreJsonLinesWithTheAccessFieldsAndTheBannerAsAnEvent() throws Exception {
    int port = TestCluster.freePort();
    String publicUrl = "http://flamingo.example.test:" + port;
    try (TestDatabase db = TestDatabase.create();
        Server server = Server.start("json", db, port, Map.of("FLAMINGO_LOG_FORMAT", "json", "FLAMINGO_PUBLIC_URL", publicUrl,
            "FLAMINGO_HTTP_HOST", "127.0.0.1", "FLAMINGO_SIGNUP_MODE", "invite-only",
            // DEBUG: more lines that must be JSON, and Micrometer logs a second duplicate registration at DEBUG
            // (the first at WARN, and that one is Vert.x's, dropped on purpose): ours must be none of them
            "FLAMINGO_LOG_LEVEL", "DEBUG"))) {
      String requestId = "output-it-" + System.nanoTime();
      HttpResponse<String> answer = get(server.port, "/api/no-such-route?token=not-logged", requestId);
      assertEquals(404, answer.statusCode());
      assertEquals(requestId, answer.headers().firstValue("X-Request-Id").orElse(null));
      server.awaitStdout(requestId);
      server.stop();
      String out = server.stdout();

      List<JsonObject> events = new ArrayList<>();
      for (String l : out.split("\n", -1)) {
        if (l.isEmpty()) {
          continue;
        }
        try {
          events.add(new JsonObject(l));
        } catch (DecodeException e) {
          fail("a stdout line is not a JSON object: " + l);
        }
      }
      assertTrue(events.size() >= 3, out);
      for (JsonObject e : events) {
        String timestamp = e.getString("timestamp");
        assertNotNull(timestamp, "no timestamp: " + e);
        OffsetDateTime.parse(timestamp); // ISO-8601 with its offset, or it throws
        assertNotNull(e.getString("level"), e.encode());
        assertNotNull(e.getString("message"), e.encode());
      }
      assertEquals(1, events.stream().filter(e -> e.getString("message").contains("listening on port")).count(), out);
      assertFalse(out.contains("already registered"), out);

      JsonObject access = events.stream().filter(e -> requestId.equals(e.getString("request_id"))).findFirst()
          .orElseThrow(() -> new AssertionError("no access event with request_id " + requestId + ":\n" + out));
      assertEquals("flamingo.access", access.getString("logger"));
      assertEquals("GET", access.getString("method"));
      assertEquals("/api/no-such-route", access.getString("path"), "the path, without its query");
      assertEquals(404, access.getValue("status"), "status is a JSON number");
      assertTrue(access.getValue("duration_ms") instanceof Number n && n.longValue() >= 0, access.encode());
      assertEquals("127.0.0.1", access.getString("ip"));
      assertFalse(access.encode().contains("not-logged"), "no query string: " + access.encode());

      JsonObject banner = events.stream().filter(e -> "flamingo.start".equals(e.getString("logger"))).findFirst()
          .orElseThrow(() -> new AssertionError("the banner is no log event:\n" + out));
      assertEquals(publicUrl, banner.getString("app_url"));
      assertEquals(true, banner.getValue("public_url_set"));
      assertTrue(banner.getString("message").contains("In the Flamingo app, set the sync server URL to " + publicUrl),
          banner.encode());
      // the listening address, the sign-up mode and the first admin's command as fields too
      assertEquals("127.0.0.1", banner.getString("http_host"), banner.encode());
      assertEquals(port, banner.getValue("http_port"), banner.encode());
      assertEquals(true, banner.getValue("loopback_only"), banner.encode());
      assertEquals(false, banner.getValue("listens_everywhere"), banner.encode());
      assertEquals("invite-only", banner.getString("signup_mode"), banner.encode());
      assertEquals(0, banner.getValue("admins"), banner.encode());
      assertEquals("bin/standalone admin grant EMAIL", banner.getString("first_admin_command"), banner.encode());
    }
  }

  /** Every flamingo_* meter of docs/operating.md's Operations table: a HELP line and a sample (at 0) of each known tag value. */
  static void assertDocumentedMetersAtStart(String body) throws Exception {
    String metrics = "\n" + body + "\n";
    String operating = Files.readString(Path.of("..", "docs", "operating.md"));
    String row = operating.lines().filter(l -> l.startsWith("| metrics |")).findFirst().orElseThrow();
    Matcher m = Pattern.compile("`(flamingo_[a-z_]+)(\\{[a-z_]+\\})?`").matcher(row);
    List<String> documented = new ArrayList<>();
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertTrue(documented.size() >= 7, "docs/operating.md's metrics row names the meters: " + row);
    Map<String, List<String>> samples = new LinkedHashMap<>();
    for (String name : documented) {
      samples.put(name, List.of(name.endsWith("_seconds") ? name + "_count" : name));
    }
    // the known tag values are there before their first event
    samples.put("flamingo_http_requests_seconds", List.of(1, 2, 3, 4, 5).stream()
        .map(c -> "flamingo_http_requests_seconds_count{class=\"" + c + "xx\"}").toList());
    samples.put("flamingo_http_errors_total", List.of("flamingo_http_errors_total{class=\"4xx\"}",
        "flamingo_http_errors_total{class=\"5xx\"}"));
    samples.put("flamingo_rate_limit_hits_total", List.of("register", "login", "login_email", "init", "token").stream()
        .map(l -> "flamingo_rate_limit_hits_total{limit=\"" + l + "\"}").toList());
    samples.put("flamingo_db_statements_total", SERVICES.stream()
        .map(s -> "flamingo_db_statements_total{service=\"" + s + "\"}").toList());
    for (String name : documented) {
      assertTrue(metrics.lines().anyMatch(l -> l.startsWith("# HELP " + name + " ") && !l.substring(name.length() + 8).isBlank()),
          "no HELP text for " + name + ":\n" + flamingo(metrics));
      for (String sample : samples.get(name)) {
        boolean found = metrics.lines().anyMatch(l -> l.startsWith(sample.contains("{") ? sample : sample + " ")
            || (!sample.contains("{") && l.startsWith(sample + "{")));
        assertTrue(found, "no sample " + sample + " before any request:\n" + flamingo(metrics));
      }
    }
    for (String zero : List.of("flamingo_http_errors_total{class=\"5xx\"} 0.0", "flamingo_sessions_issued_total 0.0",
        "flamingo_blob_bytes_written_total 0.0", "flamingo_rate_limit_hits_total{limit=\"login\"} 0.0")) {
      assertTrue(metrics.contains("\n" + zero + "\n"), zero + " at start:\n" + flamingo(metrics));
    }
  }

  static final List<String> SERVICES = List.of("auth", "data", "device");

  /** {@code flamingo_db_statements_total{service}} on a scrape (fails when it is not there). */
  static double statements(String metrics, String service) {
    String sample = "flamingo_db_statements_total{service=\"" + service + "\"} ";
    return metrics.lines().filter(l -> l.startsWith(sample)).mapToDouble(l -> Double.parseDouble(l.substring(sample.length())))
        .findFirst().orElseThrow(() -> new AssertionError("no " + sample + "on /metrics:\n" + flamingo(metrics)));
  }

  static String flamingo(String metrics) {
    return String.join("\n", metrics.lines().filter(l -> l.contains("flamingo_")).toList());
  }

  static HttpResponse<String> get(int port, String path, String requestId) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30));
    if (requestId != null) {
      request.header("X-Request-Id", requestId);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      n++;
    }
    return n;
  }

  static String line(String text, String containing) {
    return text.lines().filter(l -> l.contains(containing)).findFirst()
        .orElseThrow(() -> new AssertionError("no line with '" + containing + "':\n" + text));
  }

  static List<String> nonLoopbackIpv4() throws Exception {
    List<String> found = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            found.add(a.getHostAddress());
          }
        }
      }
    }
    return found;
  }

  /** The standalone fat jar as a process, run with bin/standalone's JVM flags; stdout and stderr apart. */
  static final class Server implements AutoCloseable {
    final Process process;
    final int port;
    final Path out;
    final Path err;

    private Server(Process process, int port, Path out, Path err) {
      this.process = process;
      this.port = port;
      this.out = out;
      this.err = err;
    }

    static Server start(String name, TestDatabase db, Map<String, String> env) throws Exception {
      return start(name, db, TestCluster.freePort(), env);
    }

    static Server start(String name, TestDatabase db, int port, Map<String, String> env) throws Exception {
      Path jar = Path.of("target", "standalone-0.1.0-SNAPSHOT-fat.jar");
      assertTrue(Files.exists(jar), jar + " is missing: the *IT tests run after the package phase");
      Path dir = Files.createDirectories(Path.of("target", "processes"));
      Path out = dir.resolve("output-" + name + ".out");
      Path err = dir.resolve("output-" + name + ".err");
      Path secrets = Files.createTempDirectory("flamingo-output-it");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));
      command.addAll(List.of("-jar", jar.toString())); // no JVM flags: the manifest carries Hazelcast's opens
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()))
          .redirectError(ProcessBuilder.Redirect.to(err.toFile()));
      pb.environment().keySet().removeIf(k -> k.startsWith("FLAMINGO_"));
      pb.environment().put("FLAMINGO_HTTP_PORT", String.valueOf(port));
      pb.environment().put("FLAMINGO_SECRETS_DIR", secrets.toString());
      pb.environment().put("FLAMINGO_DB_URL", db.url());
      pb.environment().putAll(env);
      Server server = new Server(pb.start(), port, out, err);
      server.awaitStdout("In the Flamingo app");
      return server;
    }

    /** Waits (generously) until stdout holds {@code text}; fails with the output if the process ends first. */
    void awaitStdout(String text) throws Exception {
      long deadline = System.currentTimeMillis() + 120_000;
      while (!stdout().contains(text)) {
        if (!process.isAlive() || System.currentTimeMillis() > deadline) {
          fail("'" + text + "' never appeared on stdout (alive: " + process.isAlive() + "):\n" + stdout() + "\nstderr:\n" + stderr());
        }
        Thread.sleep(100);
      }
    }

    String stdout() throws Exception {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    String stderr() throws Exception {
      return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** SIGTERM, and waits for the exit: the output is complete afterwards. */
    void stop() throws Exception {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }

    @Override
    public void close() throws Exception {
      if (process.isAlive()) {
        stop();
      }
    }
  }
}
