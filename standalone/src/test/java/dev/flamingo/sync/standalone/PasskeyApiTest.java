package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The passkey routes' refusals through HTTP (the browser ceremonies are PasskeyBrowserTest's): every bad input is
 * the envelope with its status, and nothing registers or signs in without a live challenge of the server's.
 */
class PasskeyApiTest {
  static final String ORIGIN = "http://flamingo.test";

  @AutoClose
  static OneBoxServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject().put(Settings.PUBLIC_URL, ORIGIN));
    api = server.api();
  }

  @Test
  void theDashboardRoutesNeedTheLoginCookie() {
    assertEquals(401, api.web(HttpMethod.GET, "/api/web/passkeys", null, ORIGIN, null).status);
    assertEquals(401, api.web(HttpMethod.POST, "/api/web/passkeys/options", null, ORIGIN, new JsonObject()).status);
  }

  @Test
  void registrationRefusesWhatNoChallengeOfTheServerAskedFor() {
    String cookie = Pairing.register(api, "refusals@example.com");
    Response list = api.web(HttpMethod.GET, "/api/web/passkeys", cookie, ORIGIN, null);
    assertEquals(new JsonArray(), list.body.getJsonArray("data"), list.toString());

    Response options = api.web(HttpMethod.POST, "/api/web/passkeys/options", cookie, ORIGIN, new JsonObject());
    assertEquals(200, options.status, options.toString());
    JsonObject o = options.data().getJsonObject("options");
    assertEquals("flamingo.test", o.getJsonObject("rp").getString("id"), "the relying party is the public URL's host");
    assertEquals("refusals@example.com", o.getJsonObject("user").getString("name"));

    expect(400, "name is required", add(cookie, new JsonObject().put("credential", answer("x"))));
    expect(400, "credential is required", add(cookie, new JsonObject().put("name", "Key").put("credential", "x")));
    expect(400, "The passkey answer is malformed", add(cookie, new JsonObject().put("name", "Key")
        .put("credential", new JsonObject().put("response", new JsonObject().put("clientDataJSON", "!!")))));
    expect(409, "This passkey request has expired, try again",
        add(cookie, new JsonObject().put("name", "Key").put("credential", answer("a-challenge-never-made"))));
    // the server's own challenge with a made-up answer: taken (single use), then refused
    JsonObject forged = answer(o.getString("challenge"));
    expect(400, "The passkey was not accepted", add(cookie, new JsonObject().put("name", "Key").put("credential", forged)));
    expect(409, "This passkey request has expired, try again",
        add(cookie, new JsonObject().put("name", "Key").put("credential", forged)));
  }

  @Test
  void removalChecksThePasswordAndTheOwner() {
    String cookie = Pairing.register(api, "remover@example.com");
    String password = Pairing.passwordOf("remover@example.com");
    expect(404, "Passkey not found", remove(cookie, "abc", password));
    expect(400, "The password is wrong", remove(cookie, "1", "not the password"));
    expect(404, "Passkey not found", remove(cookie, "999999", password));
  }

  @Test
  void aSecondStepWithoutAValidTokenEnds() {
    expect(401, "This sign-in has expired, sign in again",
        api.web(HttpMethod.POST, "/api/auth/login/passkey/options", null, ORIGIN, new JsonObject().put("token", "nope")));
    expect(401, "This sign-in has expired, sign in again", api.web(HttpMethod.POST,
        "/api/auth/login/second-step/passkey", null, ORIGIN, new JsonObject().put("token", "nope").put("credential", answer("c"))));
    expect(400, "credential is required", api.web(HttpMethod.POST, "/api/auth/login/second-step/passkey", null, ORIGIN,
        new JsonObject().put("token", "nope")));
    expect(400, "token is required", api.web(HttpMethod.POST, "/api/auth/login/passkey/options", null, ORIGIN,
        new JsonObject()));
  }

  private static Response add(String cookie, JsonObject body) {
    return api.web(HttpMethod.POST, "/api/web/passkeys", cookie, ORIGIN, body);
  }

  private static Response remove(String cookie, String id, String password) {
    return api.web(HttpMethod.POST, "/api/web/passkeys/" + id + "/remove", cookie, ORIGIN,
        new JsonObject().put("password", password));
  }

  /** A browser-shaped answer over {@code challenge} that no authenticator signed. */
  static JsonObject answer(String challenge) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String clientData = b64.encodeToString(new JsonObject().put("type", "webauthn.create").put("challenge", challenge)
        .put("origin", ORIGIN).encode().getBytes(StandardCharsets.UTF_8));
    return new JsonObject().put("id", "AAAA").put("rawId", "AAAA").put("type", "public-key")
        .put("response", new JsonObject().put("clientDataJSON", clientData).put("attestationObject", "AAAA"));
  }

  private static void expect(int status, String error, Response r) {
    assertEquals(status, r.status, r.toString());
    assertEquals(error, r.error(), r.toString());
  }
}
