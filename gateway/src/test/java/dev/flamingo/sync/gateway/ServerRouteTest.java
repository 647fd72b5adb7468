package dev.flamingo.sync.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.gateway.limits.RateLimits;
import dev.flamingo.sync.testing.ApiClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GET /api/server without a login: name, the build's version, the server's clock, the public URL, the caller's
 * address as the rate limits see it (X-Forwarded-For only from a trusted proxy) and the body limits; every answer
 * carries the HTTP Date header.
 */
class ServerRouteTest {
  /** The rate limits' clock, held still at the start of every window (a whole hour): no window ends mid-test. */
  static final long WINDOW_START = 1_800_000_000_000L;
  Vertx vertx = Vertx.vertx();
  ApiClient api;

  void gateway(JsonObject settings) {
    GatewayVerticle gateway = new GatewayVerticle(new RateLimits(() -> WINDOW_START));
    JsonObject config = new JsonObject().put(Settings.HTTP_HOST, "127.0.0.1").put(Settings.HTTP_PORT, 0)
        .put(Settings.PUBLIC_URL, "https://sync.example.com/").mergeIn(settings);
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    api = new ApiClient(vertx, gateway.actualPort());
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
    vertx.close().await();
  }

  ApiClient.Response server(String forwardedFor) {
    return api.send(HttpMethod.GET, "/api/server", null, null,
        forwardedFor == null ? Map.of() : Map.of("X-Forwarded-For", forwardedFor));
  }

  /** An addition for the web pages and the scripts: the data types in the contract's order, from DataType. */
  @Test
  void listsTheDataTypesForThePagesAndScripts() {
    gateway(new JsonObject());
    JsonArray types = server(null).data().getJsonArray("data_types");
    String[][] expected = {{"history", "History", "sync_history"}, {"environment", "Environments", "sync_environments"},
        {"secret", "Secrets", "sync_secrets"}, {"collection", "Collections", "sync_collections"},
        {"setting", "Settings", "sync_settings"}};
    assertEquals(expected.length, types.size(), String.valueOf(types));
    for (int i = 0; i < expected.length; i++) {
      assertEquals(new JsonObject().put("name", expected[i][0]).put("label", expected[i][1])
          .put("config_key", expected[i][2]).put("default_max_bytes", 5L * 1024 * 1024), types.getJsonObject(i));
    }
  }

  @Test
  void describesTheServerWithoutALogin() {
    gateway(new JsonObject().put(Settings.MAX_BODY_BYTES, "3MiB").put(Settings.MAX_JSON_BYTES, 20_000));
    Instant before = Instant.now();
    ApiClient.Response r = server(null);
    Instant after = Instant.now();
    assertEquals(200, r.status, r.toString());
    assertEquals(true, r.body.getBoolean("success"));
    JsonObject data = r.data();
    assertEquals("flamingo-sync", data.getString("name"));
    String version = data.getString("version");
    assertTrue(version != null && version.matches("\\d+\\.\\d+\\.\\d+.*"), "the Maven version, filtered in: " + version);
    assertEquals("https://sync.example.com", data.getString("public_url"), "as configured, without the trailing slash");
    assertEquals("127.0.0.1", data.getString("client_ip"));
    assertEquals(3L * 1024 * 1024, data.getLong("max_request_bytes"));
    assertEquals(20_000L, data.getLong("max_json_bytes"));
    String time = data.getString("time");
    assertTrue(time.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), "ISO-8601 UTC with milliseconds: " + time);
    Instant said = Instant.parse(time);
    assertTrue(!said.isBefore(before.truncatedTo(ChronoUnit.MILLIS)) && !said.isAfter(after), time + ": the time of the answer");

    String date = r.header("Date");
    assertNotNull(date, "the HTTP Date header");
    Instant sent = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    assertTrue(!sent.isBefore(before.truncatedTo(ChronoUnit.SECONDS)) && !sent.isAfter(after), date + ": the time of the answer");
    assertTrue(date.endsWith(" GMT"), date);
    assertNotNull(api.get("/api/no-such-route", null).header("Date"), "on a 404 too");
  }

  @Test
  void clientIpHonoursXForwardedForOnlyFromATrustedProxy() {
    gateway(new JsonObject().put(Settings.TRUSTED_PROXIES, "127.0.0.0/8"));
    assertEquals("203.0.113.7", server("203.0.113.7").data().getString("client_ip"));
    assertEquals("203.0.113.8", server("198.51.100.1, 203.0.113.8, 127.0.0.5").data().getString("client_ip"),
        "the right-most hop outside the trusted ranges");
    assertEquals("127.0.0.1", server(null).data().getString("client_ip"));
  }

  @Test
  void clientIpIgnoresXForwardedForFromAnyOtherPeer() {
    gateway(new JsonObject().put(Settings.TRUSTED_PROXIES, "10.0.0.0/8"));
    assertEquals("127.0.0.1", server("203.0.113.7").data().getString("client_ip"), "spoofed: ignored");
  }

  @Test
  void isRateLimitedPerClientAddress() {
    gateway(new JsonObject().put(Settings.RATE_LIMIT_SERVER, "2/60").put(Settings.TRUSTED_PROXIES, "127.0.0.1"));
    assertEquals(200, server("203.0.113.1").status);
    assertEquals(200, server("203.0.113.1").status);
    ApiClient.Response limited = server("203.0.113.1");
    assertEquals(429, limited.status, limited.toString());
    assertEquals(false, limited.body.getBoolean("success"));
    assertEquals(200, server("203.0.113.2").status, "another client has its own window");
  }
}
