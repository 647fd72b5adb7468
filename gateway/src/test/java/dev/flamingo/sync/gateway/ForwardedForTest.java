package dev.flamingo.sync.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.gateway.limits.RateLimits;
import dev.flamingo.sync.testing.ApiClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client IP that limits (and the services) see: X-Forwarded-For counts only when the peer is a
 * configured trusted proxy. Observed through the per-IP rate limit of /api/sync/init.
 */
class ForwardedForTest {
  /** The rate limits' clock, held still at the start of every window (a whole hour): no window ends mid-test. */
  static final long WINDOW_START = 1_800_000_000_000L;
  Vertx vertx = Vertx.vertx();
  ApiClient api;

  ApiClient gateway(String trustedProxies) {
    GatewayVerticle gateway = new GatewayVerticle(new RateLimits(() -> WINDOW_START));
    JsonObject config = new JsonObject().put(Settings.HTTP_PORT, 0).put(Settings.RATE_LIMIT_INIT, "1/60")
        .put(Settings.TRUSTED_PROXIES, trustedProxies);
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    api = new ApiClient(vertx, gateway.actualPort());
    return api;
  }

  @AfterEach
  void stop() {
    api.close();
    vertx.close().await();
  }

  int init(String forwardedFor) {
    return api.send(HttpMethod.POST, "/api/sync/init", null, Buffer.buffer("{}"),
        Map.of("Content-Type", "application/json", "X-Forwarded-For", forwardedFor)).status;
  }

  @Test
  void trustedProxyForwardsTheClientAddress() {
    gateway("127.0.0.1");
    assertEquals(503, init("203.0.113.1"));           // under the limit: reaches the (absent) service
    assertEquals(429, init("203.0.113.1"));           // same client: limited
    assertEquals(503, init("203.0.113.2"));           // another client behind the proxy: its own window
    assertEquals(429, init("10.9.9.9, 203.0.113.2")); // the right-most untrusted hop is the client
  }

  @Test
  void trustedProxyRangesForwardTheClientAddress() {
    gateway("10.0.0.0/8, 127.0.0.0/8, ::1/128"); // ranges work too (compose trusts exactly its proxy's address)
    assertEquals(503, init("203.0.113.1"));
    assertEquals(429, init("203.0.113.1"));
    assertEquals(503, init("203.0.113.2"));            // a second client behind the proxy has its own window
    assertEquals(503, init("203.0.113.3, 10.1.2.3"));  // hops inside a trusted range are skipped
    assertEquals(429, init("203.0.113.3, 10.200.0.1"));
    assertEquals(503, init("2001:db8::1"));
  }

  String clientIp(String forwardedFor) {
    ApiClient.Response r = api.send(HttpMethod.GET, "/api/server", null, null, Map.of("X-Forwarded-For", forwardedFor));
    assertEquals(200, r.status, r.toString());
    return r.data().getString("client_ip");
  }

  @Test
  void onlyIpLiteralsAreClientAddresses() {
    gateway("10.0.0.0/8, 127.0.0.0/8");
    assertEquals("203.0.113.9", clientIp("203.0.113.9"));
    // a hop that is not an IP literal is never the client: the request counts as coming from the last trusted
    // address before it (here the proxy itself), so no text of the client's reaches the logs or the limits
    assertEquals("127.0.0.1", clientIp("unknown"));
    assertEquals("127.0.0.1", clientIp("sync.example.com"));
    assertEquals("127.0.0.1", clientIp("203.0.113.9:443"));
    assertEquals("127.0.0.1", clientIp("1.2.3.4 auth-failure ip=198.51.100.1"));
    assertEquals("127.0.0.1", clientIp("fe80::1%eth0 auth-failure"));
    assertEquals("10.1.2.3", clientIp("203.0.113.9, x\ty, 10.1.2.3"), "the trusted hop right of the bad one");
    assertEquals("10.1.2.3", clientIp("not-an-ip, 10.1.2.3"));
    assertEquals("2001:db8::1", clientIp("2001:DB8:0:0:0:0:0:1"), "an IPv6 literal, in its normal form");
  }

  @Test
  void untrustedPeerCannotSpoofItsAddress() {
    gateway("");
    assertEquals(503, init("203.0.113.1"));
    assertEquals(429, init("203.0.113.2")); // the header is ignored: both are 127.0.0.1
  }
}
