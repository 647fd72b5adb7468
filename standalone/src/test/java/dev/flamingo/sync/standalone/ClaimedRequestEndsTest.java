package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, item 2, over HTTP against the one-box server: a device request claimed in the browser (cookie and
 * password) but not yet exchanged by the app ends with "sign out everywhere"; the app's next poll gets 400
 * "Invalid token", as after a denial, and no session (so nothing that could read the key grant).
 */
class ClaimedRequestEndsTest {
  static final String ORIGIN = "http://flamingo.test";
  static final String PASSWORD = "correct horse battery staple 42";

  @AutoClose
  static OneBoxServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject().put(Settings.PUBLIC_URL, ORIGIN));
    api = server.api();
  }

  static String register(String email) {
    Response r = api.post("/api/auth/register", null, new JsonObject().put("email", email).put("password", PASSWORD));
    assertEquals(200, r.status, r.toString());
    String setCookie = r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  /** init → claim with the cookie and the password: the claimed temp token, not yet exchanged. */
  static String claimed(String cookie) {
    Response init = api.post("/api/sync/init", null, new JsonObject().put("device_name", "Stolen laptop")
        .put("device_type", "desktop"));
    assertEquals(200, init.status, init.toString());
    String temp = init.data().getString("temp_token");
    Response claim = api.web(HttpMethod.POST, "/api/sync/claim", cookie, ORIGIN,
        new JsonObject().put("temp_token", temp).put("password", PASSWORD));
    assertEquals(200, claim.status, claim.toString());
    return temp;
  }

  @Test
  void signOutEverywhereEndsAClaimedRequestTheAppHasNotExchangedYet() {
    String cookie = register("claimed-then-signed-out@example.com");
    String temp = claimed(cookie);

    Response out = api.web(HttpMethod.POST, "/api/web/sign-out-everywhere", cookie, ORIGIN, new JsonObject());
    assertEquals(200, out.status, out.toString());

    Response poll = api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
    assertEquals(400, poll.status, "the claimed request outlived sign-out everywhere: " + poll);
    assertEquals("Invalid token", poll.error());
    assertFalse(poll.body.encode().contains("session_token"), poll.toString());
    Response again = api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
    assertEquals(400, again.status, again.toString());
    assertEquals("Invalid token", again.error());
  }

  @Test
  void aPasswordChangeEndsAClaimedRequestButKeepsTheDevicesSessions() {
    String cookie = register("claimed-then-new-password@example.com");
    String paired = Pairing.pairDevice(api, cookie, PASSWORD, "Paired laptop");
    String temp = claimed(cookie);

    Response changed = api.web(HttpMethod.POST, "/api/auth/password", cookie, ORIGIN, new JsonObject()
        .put("current_password", PASSWORD).put("new_password", "Tr0ub4dor&3-wide-orbit"));
    assertEquals(200, changed.status, changed.toString());

    Response poll = api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
    assertEquals(400, poll.status, "the claimed request outlived the password change: " + poll);
    assertEquals("Invalid token", poll.error());
    assertEquals(200, api.get("/api/sync/config", paired).status, "a paired device keeps its session");
  }
}
