package dev.flamingo.sync.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.map.IMap;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.gateway.GatewayVerticle;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateways on two clustered nodes share their rate limits: the limit holds in total, not per
 * gateway; failed logins for one e-mail are counted across client addresses and gateways; the shared
 * counters of 10,000 clients are gone once their window has passed. No services run: a request the
 * limiter lets through gets 503 from the missing service (logins get a stand-in that answers 401).
 */
class ClusterLimitsTest {
  /** The rate limits' clock, held still at the start of every window (a whole hour): no window ends mid-test. */
  static final long WINDOW_START = 1_800_000_000_000L;
  static TestCluster cluster = new TestCluster(2);
  static Vertx nodeA;
  static Vertx nodeB;
  static ApiClient gatewayA;
  static ApiClient gatewayB;
  static final List<JsonObject> audit = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    JsonObject config = new JsonObject().put(Settings.HTTP_PORT, 0).put(Settings.TRUSTED_PROXIES, "127.0.0.1")
        .put(Settings.RATE_LIMIT_INIT, "5/60").put(Settings.RATE_LIMIT_LOGIN, "100/60")
        .put(Settings.RATE_LIMIT_LOGIN_EMAIL, "3/60");
    nodeA = cluster.startNode(0, new JsonObject());
    nodeB = cluster.startNode(1, new JsonObject());
    gatewayA = deployGateway(nodeA, config);
    gatewayB = deployGateway(nodeB, config);
    nodeB.eventBus().<JsonObject>consumer(Addresses.EVENT_AUDIT, m -> audit.add(m.body())).completion().await();
    // a stand-in for auth-service's login: "right" is the password of every account
    nodeB.eventBus().<JsonObject>consumer(Addresses.AUTH_LOGIN, m -> {
      if ("right".equals(m.body().getString("password"))) {
        m.reply(Reply.data(new JsonObject().put("account_id", 1).put("email", m.body().getString("email"))
            .put("browser_token", "b").put("browser_token_max_age", 60)));
      } else {
        m.fail(401, "Invalid email or password");
      }
    }).completion().await();
  }

  static ApiClient deployGateway(Vertx node, JsonObject config) {
    GatewayVerticle gateway = new GatewayVerticle(new RateLimits(() -> WINDOW_START));
    node.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    return new ApiClient(node, gateway.actualPort());
  }

  @AfterAll
  static void stop() {
    gatewayA.close();
    gatewayB.close();
    cluster.close();
  }

  static int post(ApiClient gateway, String path, String clientIp, JsonObject body) {
    return gateway.send(HttpMethod.POST, path, null, Buffer.buffer(body.encode()),
        Map.of("Content-Type", "application/json", "X-Forwarded-For", clientIp)).status;
  }

  @Test
  void theLimitHoldsInTotalAcrossGateways() throws Exception {
    int passed = 0;
    for (int i = 0; i < 12; i++) {
      int status = post(i % 2 == 0 ? gatewayA : gatewayB, "/api/sync/init", "203.0.113.77", new JsonObject());
      passed += status == 429 ? 0 : 1;
    }
    assertEquals(5, passed, "5/60 per client for the whole cluster, not per gateway");

    List<JsonObject> hits = auditSoFar().stream()
        .filter(e -> "init".equals(e.getJsonObject("metadata").getString("limit"))).toList();
    assertEquals(1, hits.size(), "the first hit of the window is audited once, by whichever gateway saw it");
  }

  @Test
  void failedLoginsForOneEmailAreCountedAcrossAddressesAndGatewaysButNeverLockOutItsOwnersNetworks() {
    JsonObject right = new JsonObject().put("email", "victim@example.org").put("password", "right");
    JsonObject wrong = right.copy().put("password", "guess");
    String[] home = {"198.51.100.1", "198.51.100.2", "2001:db8:7::1", "198.51.100.3"};
    for (int i = 0; i < home.length; i++) { // successful logins do not count
      assertEquals(200, post(i % 2 == 0 ? gatewayA : gatewayB, "/api/auth/login", home[i], right));
    }
    assertEquals(401, post(gatewayA, "/api/auth/login", "192.0.2.1", wrong));
    assertEquals(401, post(gatewayB, "/api/auth/login", "192.0.2.2", wrong.copy().put("email", "Victim@Example.org")));
    assertEquals(401, post(gatewayA, "/api/auth/login", "2001:db8:9::1", wrong.copy().put("email", " VICTIM@example.org")));
    assertEquals(429, post(gatewayB, "/api/auth/login", "192.0.2.4", wrong));
    assertEquals(429, post(gatewayA, "/api/auth/login", "192.0.2.5", right)); // the account, not the guesser
    // ...but its owner still signs in from the networks where they signed in before (any gateway)
    assertEquals(200, post(gatewayB, "/api/auth/login", "198.51.100.1", right));
    assertEquals(200, post(gatewayA, "/api/auth/login", "2001:db8:7::99", right)); // same /64
    assertEquals(401, post(gatewayA, "/api/auth/login", "192.0.2.5",
        wrong.copy().put("email", "someone-else@example.org")));
  }

  @Test
  void tenThousandClientsLeaveNoCountersBehindAfterTheirWindow() {
    RateLimiter flood = new RateLimits().perIp(nodeA, "flood", "1/1", hit -> { });
    for (int batch = 0; batch < 20; batch++) {
      List<Future<Long>> admits = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        int n = batch * 500 + i;
        admits.add(flood.admit(ClientKey.ipBucket("2001:db8:" + n + "::1"), "x"));
      }
      Future.all(admits).await();
    }
    IMap<String, Long> counters = HazelcastWindowCounter.instance(nodeB).getMap(HazelcastWindowCounter.map("flood"));
    long flooded = counters.keySet().stream().filter(k -> k.startsWith("flood:")).count();
    assertTrue(flooded > 0 && flooded <= 10_000, "counters while the window lasts: " + flooded);
    long deadline = System.currentTimeMillis() + 60_000;
    while (counters.keySet().stream().anyMatch(k -> k.startsWith("flood:")) && System.currentTimeMillis() < deadline) {
      sleep(500);
    }
    assertEquals(0, counters.keySet().stream().filter(k -> k.startsWith("flood:")).count(),
        "expired counters are removed from the cluster");
  }

  /** The audit events published so far: a marker published after them from each node has arrived. */
  static List<JsonObject> auditSoFar() throws InterruptedException {
    CountDownLatch markers = new CountDownLatch(2);
    var probe = nodeB.eventBus().<JsonObject>consumer(Addresses.EVENT_AUDIT, m -> {
      if ("test.marker".equals(m.body().getString("event_type"))) {
        markers.countDown();
      }
    });
    probe.completion().await();
    nodeA.eventBus().publish(Addresses.EVENT_AUDIT, new JsonObject().put("event_type", "test.marker"));
    nodeB.eventBus().publish(Addresses.EVENT_AUDIT, new JsonObject().put("event_type", "test.marker"));
    assertTrue(markers.await(20, TimeUnit.SECONDS));
    probe.unregister().await();
    return audit.stream().filter(e -> "rate_limit.hit".equals(e.getString("event_type"))).toList();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
