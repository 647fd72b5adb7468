package dev.flamingo.sync.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.gateway.GatewayVerticle;
import dev.flamingo.sync.testing.ApiClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The limits of each public route answer 429 with Retry-After and the envelope, report the first hit
 * of a window to the audit trail (once), and count IPv6 clients by /64. One gateway, no services:
 * a request the limiter lets through gets 503 from the missing service.
 */
class RouteLimitsTest {
  /** The rate limits' clock, held still at the start of every window (a whole hour): no window ends mid-test. */
  static final long WINDOW_START = 1_800_000_000_000L;
  Vertx vertx = Vertx.vertx();
  ApiClient api;
  final List<JsonObject> audit = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENT_AUDIT, m -> audit.add(m.body())).completion().await();
    GatewayVerticle gateway = new GatewayVerticle(new RateLimits(() -> WINDOW_START));
    JsonObject config = new JsonObject().put(Settings.HTTP_PORT, 0).put(Settings.TRUSTED_PROXIES, "127.0.0.1")
        .put(Settings.RATE_LIMIT_TOKEN, "2/60").put(Settings.RATE_LIMIT_REGISTER, "2/3600")
        .put(Settings.RATE_LIMIT_INIT, "1/60").put(Settings.RATE_LIMIT_LOGIN, "2/60");
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    api = new ApiClient(vertx, gateway.actualPort());
  }

  @AfterEach
  void stop() {
    api.close();
    vertx.close().await();
  }

  ApiClient.Response post(String path, String clientIp, JsonObject body) {
    return api.send(HttpMethod.POST, path, null, Buffer.buffer(body.encode()),
        Map.of("Content-Type", "application/json", "X-Forwarded-For", clientIp));
  }

  /** The audit events published so far (a marker published after them has arrived). */
  List<JsonObject> auditSoFar() throws InterruptedException {
    CountDownLatch marker = new CountDownLatch(1);
    var probe = vertx.eventBus().<JsonObject>consumer(Addresses.EVENT_AUDIT, m -> {
      if ("test.marker".equals(m.body().getString("event_type"))) {
        marker.countDown();
      }
    });
    probe.completion().await();
    vertx.eventBus().publish(Addresses.EVENT_AUDIT, new JsonObject().put("event_type", "test.marker"));
    assertEquals(true, marker.await(10, TimeUnit.SECONDS));
    probe.unregister().await();
    return audit.stream().filter(e -> "rate_limit.hit".equals(e.getString("event_type"))).toList();
  }

  void assertLimited(ApiClient.Response r) {
    assertEquals(429, r.status, r.toString());
    assertNotNull(r.header("Retry-After"));
    assertEquals(false, r.body.getBoolean("success"));
    assertNotNull(r.error());
  }

  @Test
  void aSubjectIsLimitedUntilItsWindowEndsThenCountedAfresh() {
    AtomicLong now = new AtomicLong(WINDOW_START);
    RateLimiter limiter = new RateLimits(now::get).perIp(vertx, "clocked", "2/60", hit -> { });
    assertEquals(0L, limiter.admit("client", "192.0.2.1").await());
    now.addAndGet(59_000);
    assertEquals(0L, limiter.admit("client", "192.0.2.1").await());
    assertEquals(1L, limiter.admit("client", "192.0.2.1").await(), "over the limit: 1 s left in the window");
    assertEquals(0L, limiter.admit("another client", "192.0.2.2").await());
    now.addAndGet(1_000); // the next window
    assertEquals(0L, limiter.admit("client", "192.0.2.1").await());
    assertEquals(0L, limiter.admit("client", "192.0.2.1").await());
    assertEquals(60L, limiter.admit("client", "192.0.2.1").await());
  }

  @Test
  void deletingAnAccountChecksAPasswordSoItIsLimitedLikeASignIn() {
    JsonObject body = new JsonObject().put("password", "guess");
    for (int i = 0; i < 2; i++) {
      // let through: no login cookie here, so 401 (not 429)
      assertEquals(401, post("/api/web/account/delete", "203.0.113.40", body).status);
    }
    assertLimited(post("/api/web/account/delete", "203.0.113.40", body));
    assertEquals(401, post("/api/web/account/delete", "203.0.113.41", body).status, "another client is not limited");
  }

  @Test
  void tokenPollingIsLimitedAndTheHitIsAuditedOncePerWindow() throws Exception {
    JsonObject body = new JsonObject().put("temp_token", "x");
    assertEquals(503, post("/api/sync/token", "203.0.113.5", body).status);
    assertEquals(503, post("/api/sync/token", "203.0.113.5", body).status);
    assertLimited(post("/api/sync/token", "203.0.113.5", body));
    assertLimited(post("/api/sync/token", "203.0.113.5", body));
    assertEquals(503, post("/api/sync/token", "203.0.113.6", body).status); // another client

    List<JsonObject> hits = auditSoFar();
    assertEquals(1, hits.size(), hits.toString());
    assertEquals("token", hits.get(0).getJsonObject("metadata").getString("limit"));
    assertEquals("203.0.113.5", hits.get(0).getString("ip"));
  }

  @Test
  void registrationIsLimitedAndAudited() throws Exception {
    JsonObject body = new JsonObject().put("email", "a@example.org").put("password", "correct horse battery");
    assertEquals(503, post("/api/auth/register", "198.51.100.1", body).status);
    assertEquals(503, post("/api/auth/register", "198.51.100.1", body.copy().put("email", "b@example.org")).status);
    assertLimited(post("/api/auth/register", "198.51.100.1", body.copy().put("email", "c@example.org")));

    List<JsonObject> hits = auditSoFar();
    assertEquals(1, hits.size(), hits.toString());
    assertEquals("register", hits.get(0).getJsonObject("metadata").getString("limit"));
  }

  @Test
  void ipv6ClientsAreCountedPerSlash64() {
    JsonObject body = new JsonObject();
    assertEquals(503, post("/api/sync/init", "2001:db8:1:2::1", body).status);
    assertEquals(429, post("/api/sync/init", "2001:db8:1:2:dead:beef:0:1", body).status); // same /64
    assertEquals(503, post("/api/sync/init", "2001:db8:1:3::1", body).status);            // next /64
    assertEquals(503, post("/api/sync/init", "::ffff:192.0.2.1", body).status);
    assertEquals(429, post("/api/sync/init", "192.0.2.1", body).status);                  // same IPv4 client
  }
}
