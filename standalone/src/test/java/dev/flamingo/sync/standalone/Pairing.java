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

  /** The password of each account registered here, by its login cookie (a claim needs it: key custody). */
  private static final Map<String, String> PASSWORDS = new java.util.concurrent.ConcurrentHashMap<>();

  /** The password {@link #register} gives an account. */
  static String passwordOf(String email) {
    return "password for " + email;
  }

  /** Registers an account and returns its login cookie ("flamingo_login=…"). */
  static String register(ApiClient api, String email) {
    Response r = api.post("/api/auth/register", null, new JsonObject().put("email", email).put("password", passwordOf(email)));
    assertEquals(200, r.status, r.toString());
    String setCookie = r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    PASSWORDS.put(cookie, passwordOf(email));
    return cookie;
  }

  /** init → claim (with the cookie and the password it was registered with here) → token: a new device's session token. */
  static String pairDevice(ApiClient api, String cookie, String deviceName) {
    String password = PASSWORDS.get(cookie);
    if (password == null) {
      throw new IllegalArgumentException("the cookie is not from Pairing.register: use pairDevice(api, cookie, password, name)");
    }
    return pairDevice(api, cookie, password, deviceName);
  }

  /** init → claim (with the cookie and the account's password) → token: returns the session token of a new device. */
  static String pairDevice(ApiClient api, String cookie, String password, String deviceName) {
    Response init = api.post("/api/sync/init", null, new JsonObject().put("device_name", deviceName).put("device_type", "desktop"));
    assertEquals(200, init.status, init.toString());
    String temp = init.data().getString("temp_token");
    Response claim = api.send(HttpMethod.POST, "/api/sync/claim", null,
        Buffer.buffer(new JsonObject().put("temp_token", temp).put("password", password).encode()),
        Map.of("Cookie", cookie, "Content-Type", "application/json"));
    assertEquals(200, claim.status, claim.toString());
    Response token = api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
    assertEquals(200, token.status, token.toString());
    return token.data().getString("session_token");
  }
}
