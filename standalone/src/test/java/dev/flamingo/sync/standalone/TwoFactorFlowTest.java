package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TotpCodes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two-factor sign-in over HTTP on the one-box server (FLAMINGO_ADMIN_2FA=required): the login cookie is set only
 * after the second step, the device flow pairs through the login page's extra step, an admin without a second factor
 * gets no admin route until they enroll.
 */
class TwoFactorFlowTest {
  static final String ORIGIN = "http://flamingo.test";

  @AutoClose
  static OneBoxServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject().put(Settings.PUBLIC_URL, ORIGIN).put(Settings.ADMIN_2FA, "required")
        .put(Settings.RATE_LIMIT_LOGIN, "1000/60").put(Settings.RATE_LIMIT_REGISTER, "1000/60"));
    api = server.api();
  }

  static Response web(HttpMethod method, String path, String cookie, JsonObject body) {
    return api.web(method, path, cookie, ORIGIN, body);
  }

  static String cookieOf(Response r) {
    String set = r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  static void assertNoCookie(Response r) {
    assertTrue(r.raw.cookies().stream().noneMatch(c -> c.startsWith("flamingo_login=")), "no login cookie: " + r);
  }

  /** Turns TOTP on for the cookie's account: {secret, recovery_codes}. */
  static JsonObject enroll(String cookie) {
    Response offer = web(HttpMethod.POST, "/api/web/security/totp", cookie, new JsonObject());
    assertEquals(200, offer.status, offer.toString());
    String secret = offer.data().getString("secret");
    TotpCodes.freshStep(5);
    Response confirmed = web(HttpMethod.POST, "/api/web/security/totp/confirm", cookie,
        new JsonObject().put("code", TotpCodes.now(secret)));
    assertEquals(200, confirmed.status, confirmed.toString());
    return new JsonObject().put("secret", secret).put("recovery_codes", confirmed.data().getJsonArray("recovery_codes"));
  }

  static Response login(String email) {
    return web(HttpMethod.POST, "/api/auth/login", null, new JsonObject().put("email", email)
        .put("password", Pairing.passwordOf(email)));
  }

  static Response second(String token, String method, String code) {
    return web(HttpMethod.POST, "/api/auth/login/second-step", null,
        new JsonObject().put("token", token).put("method", method).put("code", code));
  }

  @Test
  void theLoginCookieComesOnlyAfterTheSecondStep() {
    String email = "two-step@example.com";
    JsonObject factors = enroll(Pairing.register(api, email));

    Response password = login(email);
    assertEquals(200, password.status, password.toString());
    assertNoCookie(password);
    JsonObject step = password.data().getJsonObject("second_step");
    assertEquals(new JsonArray().add("totp").add("recovery_code"), step.getJsonArray("methods"));
    assertNull(password.data().getValue("account_id"));

    Response wrong = second(step.getString("token"), "recovery_code", "aaaa-aaaa-aaaa-aaaa");
    assertEquals(401, wrong.status, wrong.toString());
    assertNoCookie(wrong);
    Response noStep = second("flm_2fa_" + "0".repeat(64), "totp", "123456");
    assertEquals(401, noStep.status, noStep.toString());
    assertNoCookie(noStep);

    Response right = second(step.getString("token"), "recovery_code", factors.getJsonArray("recovery_codes").getString(0));
    assertEquals(200, right.status, right.toString());
    Response me = web(HttpMethod.GET, "/api/auth/me", cookieOf(right), null);
    assertEquals(email, me.data().getString("email"));
    // spent: the same step and the same code give nothing more
    Response again = second(step.getString("token"), "recovery_code", factors.getJsonArray("recovery_codes").getString(0));
    assertEquals(401, again.status);
    assertNoCookie(again);
  }

  @Test
  void theStepsLimitAnswers429WithRetryAfter() {
    String email = "limited@example.com";
    enroll(Pairing.register(api, email));
    String token = null;
    for (int i = 0; i < 10; i++) { // five tries a step, ten failures an account in 15 minutes
      if (i % 5 == 0) {
        token = login(email).data().getJsonObject("second_step").getString("token");
      }
      Response wrong = second(token, "recovery_code", "aaaa-aaaa-aaaa-aaaa");
      assertEquals(401, wrong.status, wrong.toString());
    }
    Response last = second(login(email).data().getJsonObject("second_step").getString("token"), "recovery_code",
        "aaaa-aaaa-aaaa-aaaa");
    assertNoCookie(last);
    assertEquals(429, last.status, last.toString());
    assertNotNull(last.header("Retry-After"), last.toString());
  }

  @Test
  void aDevicePairsThroughTheLoginPageWithATotpCode() {
    String email = "pairs-with-totp@example.com";
    JsonObject factors = enroll(Pairing.register(api, email));
    Response init = api.post("/api/sync/init", null, new JsonObject().put("device_name", "Laptop").put("device_type", "desktop"));
    String temp = init.data().getString("temp_token");
    assertTrue(init.data().getString("login_url").endsWith("/login?token=" + temp));

    // the login page: password, then the code (a new 30-second step: the enrollment took this one's code)
    String token = login(email).data().getJsonObject("second_step").getString("token");
    TotpCodes.freshStep(31);
    Response right = second(token, "totp", TotpCodes.now(factors.getString("secret")));
    assertEquals(200, right.status, right.toString());
    String cookie = cookieOf(right);
    Response claim = api.send(HttpMethod.POST, "/api/sync/claim", null,
        Buffer.buffer(new JsonObject().put("temp_token", temp).put("password", Pairing.passwordOf(email)).encode()),
        Map.of("Cookie", cookie, "Content-Type", "application/json", "Origin", ORIGIN));
    assertEquals(200, claim.status, claim.toString());
    Response session = api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
    assertEquals(200, session.status, session.toString());
    assertEquals(200, api.get("/api/sync/data", session.data().getString("session_token")).status);
  }

  @Test
  void anAdminWithoutSecondFactorIsSentToEnroll() {
    String email = "new-admin@example.com";
    String cookie = Pairing.register(api, email);
    server.grantAdmin(email);
    Response refused = web(HttpMethod.GET, "/api/admin/accounts", cookie, null);
    assertEquals(403, refused.status, refused.toString());
    assertTrue(refused.error().startsWith("Enroll a second factor"), refused.error());
    Response status = web(HttpMethod.GET, "/api/web/security", cookie, null);
    assertTrue(status.data().getBoolean("required"), status.toString());

    enroll(cookie);
    Response allowed = web(HttpMethod.GET, "/api/admin/accounts", cookie, null);
    assertEquals(200, allowed.status, allowed.toString());
  }
}
