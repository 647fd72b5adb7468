package dev.flamingo.sync.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.ops.Observability;
import dev.flamingo.sync.gateway.limits.RateLimits;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own edge behaviour, with no service behind it: every answer is the JSON envelope with
 * the right status, and a missing service is a prompt 503, never a hang.
 */
class GatewayEdgeTest {
  /** The rate limits' clock, held still at the start of every window (a whole hour): no window ends mid-test. */
  static final long WINDOW_START = 1_800_000_000_000L;
  static Vertx vertx;
  static ApiClient api;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx(Observability.vertxOptions());
    GatewayVerticle gateway = new GatewayVerticle(new RateLimits(() -> WINDOW_START));
    JsonObject config = new JsonObject()
        .put(Settings.HTTP_PORT, 0)
        .put(Settings.PUBLIC_URL, "http://flamingo.test")
        .put(Settings.MAX_JSON_BYTES, 1024)
        .put(Settings.RATE_LIMIT_LOGIN, "3/60")
        .put(Settings.BUS_TIMEOUT_MS, 2000);
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    api = new ApiClient(vertx, gateway.actualPort());
  }

  @AfterAll
  static void stop() {
    api.close();
    vertx.close().await();
  }

  @Test
  void unknownApiPathIsEnvelope404() {
    Response r = api.get("/api/nope", null);
    assertEquals(404, r.status);
    assertEquals(false, r.body.getBoolean("success"));
    assertEquals("Not found", r.error());
    assertTrue(r.header("Content-Type").startsWith("application/json"));
  }

  @Test
  void unknownPageIsEnvelope404() {
    Response r = api.get("/definitely/not/here", null);
    assertEquals(404, r.status);
    assertEquals("Not found", r.error());
  }

  @Test
  void wrongMethodIsEnvelope405() {
    Response r = api.get("/api/sync/init", null);
    assertEquals(405, r.status);
    assertEquals(false, r.body.getBoolean("success"));
  }

  @Test
  void malformedJsonIs400() {
    Response r = api.send(HttpMethod.POST, "/api/sync/init", null, Buffer.buffer("{not json"), Map.of());
    assertEquals(400, r.status);
    assertEquals("Invalid JSON body", r.error());
  }

  @Test
  void nonObjectJsonIs400() {
    Response r = api.send(HttpMethod.POST, "/api/sync/token", null, Buffer.buffer("[1,2]"), Map.of());
    assertEquals(400, r.status);
    assertEquals("Request body must be a JSON object", r.error());
  }

  @Test
  void oversizedBodyIs413() {
    String big = "{\"temp_token\":\"" + "a".repeat(4096) + "\"}";
    Response r = api.send(HttpMethod.POST, "/api/sync/token", null, Buffer.buffer(big), Map.of());
    assertEquals(413, r.status);
    assertEquals("Request body too large", r.error());
  }

  @Test
  void missingServiceIsPrompt503() {
    Response r = api.post("/api/sync/init", null, new JsonObject().put("device_name", "x").put("device_type", "desktop"));
    assertEquals(503, r.status);
    assertFalse(r.body.getBoolean("success"));
    // the no-handler answer, not the bus timeout's: the gateway did not wait
    assertEquals(Failures.NO_SERVICE, r.error());
    assertNotNull(r.header("Retry-After"), "a 503 says when to retry: " + r);
    assertTrue(Integer.parseInt(r.header("Retry-After")) > 0);
  }

  /** A service that takes the request and never answers (a node stopping under it): 503 with Retry-After. */
  @Test
  void aServiceThatDoesNotAnswerIs503WithRetryAfter() {
    MessageConsumer<Object> silent = vertx.eventBus().consumer(Addresses.AUTH_SYNC_TOKEN, m -> { });
    silent.completion().await();
    try {
      Response r = api.post("/api/sync/token", null, new JsonObject().put("temp_token", "t"));
      assertEquals(503, r.status, r.toString());
      assertEquals("Service did not answer in time, try again shortly", r.error());
      assertNotNull(r.header("Retry-After"), "a 503 says when to retry: " + r);
      assertTrue(Integer.parseInt(r.header("Retry-After")) > 0);
    } finally {
      silent.unregister().await();
    }
  }

  @Test
  void bearerRoutesWithoutTokenAre401() {
    for (String path : new String[] {"/api/sync/config", "/api/sync/key", "/api/sync/data", "/api/devices", "/api/audit"}) {
      Response r = api.get(path, null);
      assertEquals(401, r.status, path);
      assertEquals("Unauthorized", r.error(), path);
    }
    Response malformed = api.get("/api/sync/config", "flm_sync_not-a-token");
    assertEquals(401, malformed.status);
  }

  @Test
  void corsPreflightAndHeaders() {
    Response pre = api.send(HttpMethod.OPTIONS, "/api/sync/data/history", null, null,
        Map.of("Origin", "http://app.example", "Access-Control-Request-Method", "PUT"));
    assertEquals(204, pre.status);
    assertEquals("*", pre.header("Access-Control-Allow-Origin"));
    assertEquals("86400", pre.header("Access-Control-Max-Age"));
    assertTrue(pre.header("Access-Control-Allow-Methods").contains("PUT"));
    assertTrue(pre.header("Access-Control-Allow-Headers").contains("Authorization"));
    assertTrue(pre.header("Access-Control-Allow-Headers").contains("If-Match"));
    Response err = api.get("/api/devices", null);
    assertEquals("*", err.header("Access-Control-Allow-Origin"));
    assertEquals(null, err.header("Access-Control-Allow-Credentials"));
  }

  @Test
  void cookieRoutesRefuseOtherOrigins() {
    Response r = api.send(HttpMethod.POST, "/api/auth/logout", null, Buffer.buffer("{}"),
        Map.of("Origin", "https://evil.example", "Content-Type", "application/json"));
    assertEquals(403, r.status);
    assertEquals("Cross-origin request refused", r.error());
    Response claim = api.send(HttpMethod.POST, "/api/sync/claim", null, Buffer.buffer("{}"),
        Map.of("Origin", "https://evil.example", "Content-Type", "application/json"));
    assertEquals(403, claim.status);
    Response same = api.send(HttpMethod.POST, "/api/auth/logout", null, Buffer.buffer("{}"),
        Map.of("Origin", "http://flamingo.test", "Content-Type", "application/json"));
    assertEquals(200, same.status);
    assertEquals("Signed out", same.body.getString("message"));
  }

  @Test
  void loginRateLimitAnswers429WithRetryAfter() {
    JsonObject body = new JsonObject().put("email", "a@b.c").put("password", "whatever1");
    int limited = 0;
    for (int i = 0; i < 5; i++) {
      Response r = api.send(HttpMethod.POST, "/api/auth/login", null, Buffer.buffer(body.encode()),
          Map.of("X-Forwarded-For", "198.51.100.9", "Content-Type", "application/json"));
      if (r.status == 429) {
        limited++;
        assertNotNull(r.header("Retry-After"));
        assertTrue(Integer.parseInt(r.header("Retry-After")) > 0);
        assertTrue(r.error().startsWith("Too many requests"));
      } else {
        assertEquals(503, r.status, "under the limit the request reaches the (absent) service");
      }
    }
    assertEquals(2, limited);
  }

  @Test
  void everyResponseCarriesRequestId() {
    Response r = api.send(HttpMethod.GET, "/api/nope", null, null, Map.of("X-Request-Id", "abc-123"));
    assertEquals("abc-123", r.header("X-Request-Id"));
    Response generated = api.get("/api/nope", null);
    assertNotNull(generated.header("X-Request-Id"));
  }

  @Test
  void liveHealthAnswersWithoutServices() {
    Response live = api.get("/health/live", null);
    assertEquals(200, live.status);
    assertEquals("UP", live.body.getString("status"));
    Response ready = api.get("/health/ready", null);
    assertEquals(503, ready.status);
    assertEquals("DOWN", ready.body.getString("status"));
  }

  @Test
  void metricsAreScrapable() {
    api.get("/api/nope", null); // at least one 4xx
    var web = WebClient.create(vertx);
    var r = web.get(api.port(), "127.0.0.1", "/metrics").send().await();
    web.close();
    assertEquals(200, r.statusCode());
    String text = r.bodyAsString();
    assertTrue(text.contains("flamingo_http_requests_seconds_count{class=\"4xx\"}"), "requests by status class");
    assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics stay on");
    assertFalse(text.contains("vertx_http_server_requests_total"), "Vert.x's per-request HTTP meters are off by default");
    assertTrue(text.contains("flamingo_http_errors_total{class=\"4xx\"}"), "our own counters");
  }
}
