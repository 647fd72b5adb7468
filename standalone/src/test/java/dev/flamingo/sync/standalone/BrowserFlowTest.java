package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The pages as a person uses them, in real headless Chromium (Debian's chromium + chromedriver, never
 * downloaded), against the real one-box server; the desktop client is an HTTP client beside it.
 * Screenshots of every page land in {@code standalone/target/screenshots/}.
 */
// longer than the 5-minute default (junit-platform.properties): a real browser, each step waited for up to 30 s
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class BrowserFlowTest {
  @RegisterExtension
  static final BrowserSession web = BrowserSession.with(new JsonObject().put("FLAMINGO_SYNC_STATUS_FLUSH_MS", 100))
      .freshCookiesOn("/complete");

  /** /complete opened on its own (nothing was connected in this tab) does not say "Device connected". */
  @Test
  void theCompletePageOpenedAloneSaysNoDeviceWasConnected() {
    ((JavascriptExecutor) web.browser()).executeScript("sessionStorage.clear()");
    web.open("/complete");
    web.visible("complete-none");
    assertFalse(web.find("complete-done").isDisplayed(), "nothing happened: no \"Device connected\"");
    assertFalse(web.browser().getTitle().startsWith("Device connected"), web.browser().getTitle());
    web.shot("complete-alone");
  }

  @Test
  void pairAuthorizeListAndRevokeFromTheDashboard() throws Exception {
    String loginUrl = web.init("Work laptop");
    web.browser().get(loginUrl);
    web.shot("login-signin");
    web.submitSignIn("pairing@example.com", "a good password", "register-submit");

    web.visible("authorize");
    assertEquals("Work laptop", web.text("req-device"));
    assertEquals("desktop", web.text("req-type"));
    assertEquals("127.0.0.1", web.text("req-ip"));
    assertFalse(web.find("confirm").isDisplayed(),
        "the password typed on the sign-in step of this visit is not asked for again");
    web.shot("login-authorize");
    web.find("authorize-button").click();
    web.until(ExpectedConditions.urlToBe(web.base() + "/complete"));
    assertEquals("Device connected", web.text("complete-title"));
    web.shot("complete");

    String token = web.pollToken(loginUrl);
    assertEquals(200, web.client().get("/api/sync/config", token).status);
    Response grant = web.client().get("/api/sync/key", token);
    assertEquals(200, grant.status, "the password reused from the sign-in step gave the device a grant of the "
        + "account key (without, the GET is 403): " + grant);

    // the device's sync status: an upload, and a refused one (415), once the gateway has sent them
    assertEquals(200, web.client().put("/api/sync/data/environment", token, StandaloneFlowTest.encrypt(new byte[32], "[]")).status);
    Response refused = web.client().send(HttpMethod.PUT, "/api/sync/data/setting", token,
        Buffer.buffer(StandaloneFlowTest.encrypt(new byte[32], "{}").encode()), Map.of("Content-Type", "text/plain"));
    assertEquals(415, refused.status, refused.toString());
    long deadline = System.currentTimeMillis() + 40_000;
    while (web.client().get("/api/devices", token).body.getJsonArray("data").getJsonObject(0)
        .getJsonArray("sync", new JsonArray()).size() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }

    web.open("/dashboard");
    WebElement device = web.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#devices li[data-id]")));
    assertEquals("Work laptop", device.findElement(By.className("name")).getText());
    WebElement sync = web.until(ExpectedConditions.visibilityOfNestedElementsLocatedBy(device, By.className("sync")))
        .get(0);
    assertTrue(sync.getText().startsWith("Environments uploaded ") && sync.getText().contains("; Settings refused (415) at "),
        sync.getText());
    assertEquals("Content-Type must be application/json",
        sync.findElement(By.className("refused")).getAttribute("title"));
    ((JavascriptExecutor) web.browser()).executeScript("arguments[0].scrollIntoView()", device);
    web.shot("dashboard-sync-status");
    web.until(ExpectedConditions.textToBe(By.id("device-count"), "1"));
    assertEquals("No key stored yet.", web.text("key-status"));
    web.shot("dashboard");
    device.findElement(By.className("revoke")).click();
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Device revoked"));
    web.shot("dashboard-revoked");
    DeviceFlowClusterTest.assertRejectedByEviction(web.client(), token);
  }

  /**
   * Already signed in (the cookie of an earlier visit): authorizing asks for the password, because it is what
   * opens the account's encryption key for the new device. A wrong one is shown and changes nothing.
   */
  @Test
  void anAlreadySignedInUserConfirmsThePasswordToAuthorize() throws Exception {
    web.signIn("confirm@example.com", "the confirm password", "register-submit");
    String loginUrl = web.init("Second laptop");
    web.browser().get(loginUrl); // a new page visit: nothing typed on it
    web.visible("authorize");
    web.visible("confirm");
    WebElement field = web.find("confirm-password");
    assertEquals("current-password", field.getAttribute("autocomplete"));
    WebElement label = web.browser().findElement(By.cssSelector("label[for=confirm-password]"));
    assertTrue(label.getText().contains("your password gives this device your encryption key"), label.getText());
    web.shot("login-authorize-confirm");

    field.sendKeys("not the password");
    web.find("authorize-button").click();
    WebElement error = web.until(ExpectedConditions.visibilityOfElementLocated(By.id("authorize-error")));
    assertEquals("The password is wrong", error.getText());
    assertEquals("", web.find("confirm-password").getAttribute("value"), "the field is cleared");
    assertTrue(web.find("authorize-button").isEnabled(), "Authorize stays usable for another try");
    web.shot("login-authorize-wrong-password");
    Response poll = web.client().post("/api/sync/token", null, new JsonObject().put("temp_token", BrowserSession.tokenOf(loginUrl)));
    assertEquals("Token not yet authorized. Complete login first.", poll.error(), "still pending");

    web.find("confirm-password").sendKeys("the confirm password" + Keys.ENTER);
    web.until(ExpectedConditions.urlToBe(web.base() + "/complete"));
    String token = web.pollToken(loginUrl);
    Response key = web.client().put("/api/sync/key", token, new JsonObject().put("master_key",
        Base64.getEncoder().encodeToString(new byte[32])));
    assertEquals(200, key.status, "the device got a grant of the account key (without, the PUT is 403): " + key);
  }

  @Test
  void denyRefusesTheClient() {
    String loginUrl = web.init("Unknown PC");
    web.browser().get(loginUrl);
    web.submitSignIn("deny@example.com", "a good password", "register-submit");
    web.visible("authorize");
    web.find("deny-button").click();
    web.visible("denied");
    web.shot("login-denied");
    Response poll = web.client().post("/api/sync/token", null, new JsonObject().put("temp_token", BrowserSession.tokenOf(loginUrl)));
    assertEquals(400, poll.status);
    assertEquals("Invalid token", poll.error());
  }

  @Test
  void expiredAndUnknownTokensShowARestartPage() throws Exception {
    String loginUrl = web.init("Old request");
    try (Connection c = web.server().db().connect()) {
      c.createStatement().execute("update auth.temp_tokens set expires_at = now() - interval '1 minute'");
    }
    web.browser().get(loginUrl);
    web.submitSignIn("expired@example.com", "a good password", "register-submit");
    web.visible("ended");
    assertTrue(web.text("ended-text").contains("Restart sync"));
    web.shot("login-expired");
    web.open("/login?token=flm_temp_" + "0".repeat(64));
    web.visible("ended");
  }

  @Test
  void wrongPasswordIsShownAndNothingHappens() {
    web.client().post("/api/auth/register", null, new JsonObject().put("email", "wrong@example.com").put("password", "the right one"));
    web.open("/login");
    web.submitSignIn("wrong@example.com", "not the right one", "signin-submit");
    WebElement error = web.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-error")));
    assertEquals("Invalid email or password", error.getText());
    web.shot("login-wrong-password");
  }

  @Test
  void dashboardWithoutLoginRedirectsToSignIn() {
    web.open("/dashboard");
    web.until(ExpectedConditions.urlToBe(web.base() + "/login"));
    web.visible("signin");
  }

  /**
   * An attacker's page on the same site but another origin (localhost, another port) auto-submits a form
   * to the claim endpoint. The login cookie is SameSite=Lax, and a same-site POST carries it: so the
   * browser really sends the valid cookie (checked in its network log) and only the Origin check refuses.
   */
  @Test
  void claimFromAnotherOriginIsRefused() throws Exception {
    String loginUrl = web.init("Phished");
    web.signIn("csrf@example.com", "a good password", "register-submit");
    String form = "<form id=f method=POST enctype=text/plain action='" + web.base() + "/api/sync/claim'>"
        + "<input name='{\"temp_token\":\"" + BrowserSession.tokenOf(loginUrl) + "\",\"x\":\"' value='\"}'></form>"
        + "<script>document.getElementById('f').submit()</script>";
    HttpServer evil = web.server().vertx().createHttpServer().requestHandler(r -> r.response()
        .putHeader("Content-Type", "text/html").end(form)).listen(0, "127.0.0.1").await();
    String evilOrigin = "http://localhost:" + evil.actualPort();
    try {
      web.browser().manage().logs().get(LogType.PERFORMANCE); // drop what came before
      web.browser().get(evilOrigin + "/");
      web.until(ExpectedConditions.urlContains("/api/sync/claim"));
      String page = web.browser().getPageSource();
      // the first barrier: a form can only send a form or text body, never application/json (415, unread)
      assertTrue(page.contains("Content-Type must be application/json"), page);
      web.shot("csrf-refused");
      String cookieSent = cookieHeaderOf(web.base() + "/api/sync/claim");
      assertTrue(cookieSent != null && cookieSent.contains("flamingo_login="),
          "the same-site POST carried the login cookie, so only the server's checks stood in the way: " + cookieSent);
      // the second barrier: the same claim as JSON, with that cookie, from the other origin (as if a browser let a
      // cross-site JSON POST through without a preflight) is refused by the Origin check
      Response asJson = web.client().web(HttpMethod.POST, "/api/sync/claim", cookieSent, evilOrigin,
          new JsonObject().put("temp_token", BrowserSession.tokenOf(loginUrl)).put("password", "a good password"));
      assertEquals(403, asJson.status, asJson.toString());
      assertEquals("Cross-origin request refused", asJson.error());
    } finally {
      evil.close().await();
    }
    Response poll = web.client().post("/api/sync/token", null, new JsonObject().put("temp_token", BrowserSession.tokenOf(loginUrl)));
    assertEquals("Token not yet authorized. Complete login first.", poll.error());
  }

  /** The Cookie header the browser sent with its last request to {@code url} (from the DevTools log), or null. */
  static String cookieHeaderOf(String url) {
    Map<String, String> urls = new HashMap<>();
    Map<String, String> cookies = new HashMap<>();
    for (LogEntry entry : web.browser().manage().logs().get(LogType.PERFORMANCE)) {
      JsonObject message = new JsonObject(entry.getMessage()).getJsonObject("message");
      JsonObject params = message.getJsonObject("params", new JsonObject());
      String id = params.getString("requestId");
      switch (message.getString("method", "")) {
        case "Network.requestWillBeSent" -> urls.put(id, params.getJsonObject("request").getString("url"));
        case "Network.requestWillBeSentExtraInfo" -> {
          JsonObject headers = params.getJsonObject("headers", new JsonObject());
          String cookie = headers.getString("Cookie", headers.getString("cookie"));
          cookies.put(id, cookie == null ? "" : cookie);
        }
        default -> { }
      }
    }
    String found = null;
    for (var e : urls.entrySet()) {
      if (e.getValue().equals(url) && cookies.containsKey(e.getKey())) {
        found = cookies.get(e.getKey());
      }
    }
    return found;
  }
}
