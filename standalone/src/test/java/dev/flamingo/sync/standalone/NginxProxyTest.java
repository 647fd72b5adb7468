package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.gateway.GatewayVerticle;
import dev.flamingo.sync.gateway.limits.RateLimits;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/nginx.conf run by a real nginx (Debian's {@code nginx-light}; a missing nginx fails the test unless FLAMINGO_TEST_SKIP_NGINX=1)
 * in front of a real gateway that trusts the proxy's range: the forwarded client address reaches the
 * rate limit, the operations endpoints answer 404 there, and the access log holds no query string.
 * Only what a container network needs is changed: the upstream address, the port, the log path.
 */
class NginxProxyTest {
  /** The rate limits' clock, held still at the start of every window (a whole hour): no window ends mid-test. */
  static final long WINDOW_START = 1_800_000_000_000L;

  static Vertx vertx;
  static Process nginx;
  static Path dir;
  static int port;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    Nginx.require("NginxProxyTest");
    vertx = Vertx.vertx();
    GatewayVerticle gateway = new GatewayVerticle(new RateLimits(() -> WINDOW_START));
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(new JsonObject()
        .put(Settings.HTTP_HOST, "127.0.0.1").put(Settings.HTTP_PORT, 0)
        .put(Settings.TRUSTED_PROXIES, "127.0.0.0/8").put(Settings.RATE_LIMIT_INIT, "1/60")
        .put(Settings.BUS_TIMEOUT_MS, 2000))).await();
    port = TestCluster.freePort();
    dir = Files.createTempDirectory("flamingo-nginx");
    String site = Files.readString(Path.of("..", "deploy", "nginx.conf"))
        .replace(" resolve;", ";") // needs nginx 1.27.3+ (the compose image); not needed for one static address
        .replace("server gateway:8080", "server 127.0.0.1:" + gateway.actualPort())
        .replace("listen 8080;", "listen 127.0.0.1:" + port + ";")
        .replace("/var/log/nginx/access.log", dir.resolve("access.log").toString());
    nginx = Nginx.start(dir, site);
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        get("/health/live", null);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("nginx did not start: " + Files.readString(dir.resolve("stdout.log")));
  }

  @AfterAll
  static void stop() throws Exception {
    Nginx.stop(nginx, null);
    if (vertx != null) {
      vertx.close().await();
    }
    Nginx.stop(null, dir);
  }

  static HttpResponse<String> get(String path, String forwardedFor) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
    if (forwardedFor != null) {
      b.header("X-Forwarded-For", forwardedFor);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static int init(String forwardedFor) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sync/init"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"device_name\":\"x\",\"device_type\":\"desktop\"}"));
    if (forwardedFor != null) {
      b.header("X-Forwarded-For", forwardedFor);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void operationsEndpointsAnswer404ThroughTheProxy() throws Exception {
    for (String path : new String[] {"/metrics", "/metrics?x=1", "/health/ready", "/%6detrics", "//metrics", "/health/ready/"}) {
      HttpResponse<String> r = get(path, null);
      assertEquals(404, r.statusCode(), path);
      assertEquals("{\"success\":false,\"error\":\"Not found\"}", r.body(), path);
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path);
    }
    assertEquals(200, get("/health/live", null).statusCode(), "the liveness check still passes through");
  }

  @Test
  void everyClientBehindTheProxyHasItsOwnAddress() throws Exception {
    // nginx appends the peer (127.0.0.1 here, the network range in compose) to what the client sent;
    // the gateway skips the trusted hop and counts the client, so two clients never share a window
    assertEquals(503, init(null), "under the limit: on to the (absent) service");
    assertEquals(429, init(null));
    assertEquals(503, init("198.51.100.7"), "another client: its own window");
    assertEquals(429, init("198.51.100.7"));
  }

  @Test
  void theAccessLogHasNoQueryString() throws Exception {
    String secret = "flm_temp_" + "ab".repeat(32);
    get("/login?token=" + secret, null);
    String[] files = {"access.log", "default.log", "error.log"};
    long deadline = System.currentTimeMillis() + 30_000;
    while (!anyContains(files, "GET /login") && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    for (String file : files) {
      Path p = dir.resolve(file);
      assertFalse(Files.exists(p) && Files.readString(p).contains(secret), file + " holds the temp token");
    }
    String lines = Files.readString(dir.resolve("access.log"));
    assertTrue(lines.contains("\"GET /login HTTP/1.1\" 200"), lines);
  }

  static boolean anyContains(String[] files, String text) throws IOException {
    for (String file : files) {
      Path p = dir.resolve(file);
      if (Files.exists(p) && Files.readString(p).contains(text)) {
        return true;
      }
    }
    return false;
  }
}
