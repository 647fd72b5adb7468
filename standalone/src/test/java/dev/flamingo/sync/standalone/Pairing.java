package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** What the desktop client and the browser do to pair a device, over HTTP, as test steps. */
final class Pairing {
  private Pairing() {}

  /** Registers an account and returns its login cookie ("flamingo_login=…"). */
  static String register(ApiClient api, String email) {
    Response r = api.post("/api/auth/register", null, new JsonObject().put("email", email).put("password", "password for " + email));
    assertEquals(200, r.status, r.toString());
    String setCookie = r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  /** init → claim (with the cookie) → token: returns the session token of a new device. */
  static String pairDevice(ApiClient api, String cookie, String deviceName) {
    Response init = api.post("/api/sync/init", null, new JsonObject().put("device_name", deviceName).put("device_type", "desktop"));
    assertEquals(200, init.status, init.toString());
    String temp = init.data().getString("temp_token");
    Response claim = api.send(HttpMethod.POST, "/api/sync/claim", null,
        Buffer.buffer(new JsonObject().put("temp_token", temp).encode()),
        Map.of("Cookie", cookie, "Content-Type", "application/json"));
    assertEquals(200, claim.status, claim.toString());
    Response token = api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
    assertEquals(200, token.status, token.toString());
    return token.data().getString("session_token");
  }
}
