package dev.flamingo.sync.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the gateway alone does for browsers: HSTS and the {@code __Host-} cookie behind an https public
 * URL (plain names over http), and the same-origin guard on every route that reads the cookie, whether
 * or not a Bearer header comes along. No service behind it.
 */
class BrowserEdgeTest {
  static Vertx vertx;
  static ApiClient https;
  static ApiClient http;

  static ApiClient gateway(String publicUrl) {
    GatewayVerticle gateway = new GatewayVerticle();
    JsonObject config = new JsonObject().put(Settings.HTTP_PORT, 0).put(Settings.PUBLIC_URL, publicUrl)
        .put(Settings.BUS_TIMEOUT_MS, 2000);
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    return new ApiClient(vertx, gateway.actualPort());
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    https = gateway("https://sync.example");
    http = gateway("http://localhost:8080");
  }

  @AfterAll
  static void stop() {
    https.close();
    http.close();
    vertx.close().await();
  }

  static Response send(ApiClient api, HttpMethod method, String path, Map<String, String> headers) {
    Buffer body = method == HttpMethod.GET || method == HttpMethod.DELETE ? null : Buffer.buffer("{}");
    return api.send(method, path, null, body, headers);
  }

  @Test
  void httpsDeploymentSendsHsts() {
    for (Response r : List.of(https.get("/health/live", null), https.get("/api/nope", null),
        https.get("/api/sync/config", null))) {
      assertEquals("max-age=31536000", r.header("Strict-Transport-Security"), r.toString());
    }
    assertNull(http.get("/health/live", null).header("Strict-Transport-Security"), "never over plain http");
  }

  @Test
  void httpsDeploymentUsesTheHostOnlyCookie() {
    Response out = send(https, HttpMethod.POST, "/api/auth/logout", Map.of("Origin", "https://sync.example"));
    assertEquals(200, out.status);
    String cookie = out.raw.cookies().get(0);
    assertTrue(cookie.startsWith("__Host-flamingo_login=;"), cookie);
    assertTrue(cookie.contains("; Secure"), cookie);
    assertTrue(cookie.contains("; Path=/"), cookie);
    assertTrue(cookie.contains("; HTTPOnly") || cookie.contains("; HttpOnly"), cookie);
    assertFalse(cookie.toLowerCase().contains("domain="), cookie);

    Response local = send(http, HttpMethod.POST, "/api/auth/logout", Map.of("Origin", "http://localhost:8080"));
    String plain = local.raw.cookies().get(0);
    assertTrue(plain.startsWith("flamingo_login=;"), plain);
    assertFalse(plain.contains("Secure"), plain);
  }

  @Test
  void aBearerHeaderDoesNotOpenTheGuardOfCookieRoutes() {
    Map<String, String> evil = Map.of("Origin", "https://evil.example", "Authorization", "Bearer flm_sync_x");
    for (Object[] route : new Object[][] {
        {HttpMethod.GET, "/api/web/overview"}, {HttpMethod.DELETE, "/api/web/devices/x"},
        {HttpMethod.PATCH, "/api/web/devices/x"}, {HttpMethod.POST, "/api/web/sign-out-everywhere"},
        {HttpMethod.POST, "/api/auth/password"}, {HttpMethod.POST, "/api/auth/logout"},
        {HttpMethod.POST, "/api/auth/login"}, {HttpMethod.GET, "/api/auth/me"}}) {
      Response r = send(https, (HttpMethod) route[0], (String) route[1], evil);
      assertEquals(403, r.status, route[0] + " " + route[1] + ": " + r);
      assertEquals("Cross-origin request refused", r.error());
    }
  }

  @Test
  void cookieReadingRoutesAreGuardedEvenForReads() {
    Response me = send(https, HttpMethod.GET, "/api/auth/me", Map.of("Origin", "https://evil.example"));
    assertEquals(403, me.status);
    Response fetchMeta = send(https, HttpMethod.GET, "/api/auth/me", Map.of("Sec-Fetch-Site", "cross-site"));
    assertEquals(403, fetchMeta.status);
    Response own = send(https, HttpMethod.GET, "/api/auth/me", Map.of("Sec-Fetch-Site", "same-origin"));
    assertEquals(401, own.status, "same origin, no cookie: the guard lets it through to authentication");
  }

  @Test
  void theClaimTakesABearerFromAnywhereButTheCookieOnlyFromItsOrigin() {
    Response bearer = send(https, HttpMethod.POST, "/api/sync/claim",
        Map.of("Origin", "https://evil.example", "Authorization", "Bearer flm_sync_not-a-token"));
    assertEquals(401, bearer.status, "authenticated by the (bad) token, not refused by the guard");
    Response cookie = send(https, HttpMethod.POST, "/api/sync/claim", Map.of("Origin", "https://evil.example"));
    assertEquals(403, cookie.status);
  }
}
