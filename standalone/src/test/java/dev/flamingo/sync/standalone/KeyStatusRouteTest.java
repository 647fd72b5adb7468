package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's key status (GET /api/web/key, cookie) comes from data-service's key.status: it shows the
 * version and dates, never key material, and it answers even when the server's KEK can no longer decrypt.
 */
class KeyStatusRouteTest {
  @Test
  void keyStatusShowsVersionAndDatesNeverTheKeyEvenWhenTheKekCannotDecrypt() {
    String key = Base64.getEncoder().encodeToString(Tokens.randomBytes(32));
    String rotated = Base64.getEncoder().encodeToString(Tokens.randomBytes(32));
    try (TestDatabase db = TestDatabase.create()) {
      JsonObject config = TestConfig.base(db.url());
      String cookie;
      String token;
      Vertx first = Vertx.vertx();
      try {
        int port = start(first, config);
        try (ApiClient api = new ApiClient(first, port)) {
          cookie = Pairing.register(api, "key-status@example.com");
          assertEquals(new JsonObject().put("set", false), web(api, cookie, "/api/web/key").data());
          token = Pairing.pairDevice(api, cookie, "Laptop");
          assertEquals(200, api.put("/api/sync/key", token, new JsonObject().put("master_key", key)).status);
          assertEquals(200, api.put("/api/sync/key", token,
              new JsonObject().put("master_key", rotated).put("expected_version", 1)).status);
          Response status = web(api, cookie, "/api/web/key");
          assertEquals(Set.of("set", "version", "custody", "created_at", "updated_at"), status.data().fieldNames(),
              status.toString());
          assertEquals(true, status.data().getBoolean("set"));
          assertEquals(true, status.data().getBoolean("custody"), "the dashboard can say the key is under key custody");
          assertEquals(2, status.data().getInteger("version"));
          assertNoKeyIn(status, key, rotated);
          Response overview = web(api, cookie, "/api/web/overview");
          assertEquals(2, overview.data().getJsonObject("key").getInteger("version"), overview.toString());
          assertNoKeyIn(overview, key, rotated);
        }
      } finally {
        first.close().await();
      }

      // the same KEK id with other bytes: the key cannot be unwrapped, the dashboard still knows its status
      Vertx second = Vertx.vertx();
      try {
        int port = start(second, config.copy().put("FLAMINGO_KEK", Base64.getEncoder().encodeToString(Tokens.randomBytes(32))));
        try (ApiClient api = new ApiClient(second, port)) {
          assertEquals(500, api.get("/api/sync/key", token).status);
          Response status = web(api, cookie, "/api/web/key");
          assertEquals(200, status.status, status.toString());
          assertEquals(2, status.data().getInteger("version"));
          assertNoKeyIn(status, key, rotated);
        }
      } finally {
        second.close().await();
      }
    }
  }

  static int start(Vertx vertx, JsonObject config) {
    int port = TestCluster.freePort();
    Services.deployAll(vertx, new Settings(config.copy().put(Settings.HTTP_PORT, port).put(Settings.GATEWAY_INSTANCES, 1)))
        .await();
    return port;
  }

  static Response web(ApiClient api, String cookie, String path) {
    Response r = api.web(HttpMethod.GET, path, cookie, null, null);
    assertEquals(200, r.status, r.toString());
    return r;
  }

  static void assertNoKeyIn(Response r, String... keys) {
    String raw = r.raw.bodyAsString();
    assertFalse(raw.contains("master_key"), raw);
    assertFalse(raw.contains("kek"), raw);
    for (String k : keys) {
      assertFalse(raw.contains(k), raw);
    }
  }
}
