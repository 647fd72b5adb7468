package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages as a person uses them, in real headless Chromium (Debian's chromium + chromedriver, never
 * downloaded), against the real one-box server; the desktop client is an HTTP client beside it.
 * Screenshots of every page land in {@code standalone/target/screenshots/}.
 */
// longer than the 5-minute default (junit-platform.properties): a real browser, each step waited for up to 30 s
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class BrowserFlowTest {
  static OneBoxServer server;
  static ApiClient client;
  static String base;
  static WebDriver browser;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws Exception {
    Chromium.require();
    int port = TestCluster.freePort();
    // localhost, so that an attacker page on another localhost port is same-site but cross-origin
    base = "http://localhost:" + port;
    server = OneBoxServer.start(port, new JsonObject()
        .put(Settings.PUBLIC_URL, base).put(Settings.GATEWAY_INSTANCES, 1)
        .put("FLAMINGO_SYNC_STATUS_FLUSH_MS", 100));
    client = server.api();
    browser = Chromium.start(Path.of("target", "downloads"));
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void freshBrowser() {
    browser.get(base + "/complete"); // any page of ours, so that the cookies are ours to delete
    browser.manage().deleteAllCookies();
  }

  /** /complete opened on its own (nothing was connected in this tab) does not say "Device connected". */
  @Test
  void theCompletePageOpenedAloneSaysNoDeviceWasConnected() {
    ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
    browser.get(base + "/complete");
    visible("complete-none");
    assertFalse(browser.findElement(By.id("complete-done")).isDisplayed(), "nothing happened: no \"Device connected\"");
    assertFalse(browser.getTitle().startsWith("Device connected"), browser.getTitle());
    shot("complete-alone");
  }

  @Test
  void pairAuthorizeListAndRevokeFromTheDashboard() throws Exception {
    String loginUrl = init("Work laptop");
    browser.get(loginUrl);
    shot("login-signin");
    signIn("pairing@example.com", "a good password", true);

    visible("authorize");
    assertEquals("Work laptop", text("req-device"));
    assertEquals("desktop", text("req-type"));
    assertEquals("127.0.0.1", text("req-ip"));
    assertFalse(browser.findElement(By.id("confirm")).isDisplayed(),
        "the password typed on the sign-in step of this visit is not asked for again");
    shot("login-authorize");
    browser.findElement(By.id("authorize-button")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/complete"));
    assertEquals("Device connected", text("complete-title"));
    shot("complete");

    String token = pollToken(loginUrl);
    assertEquals(200, client.get("/api/sync/config", token).status);
    Response grant = client.get("/api/sync/key", token);
    assertEquals(200, grant.status, "the password reused from the sign-in step gave the device a grant of the "
        + "account key (without, the GET is 403): " + grant);

    // the device's sync status: an upload, and a refused one (415), once the gateway has sent them
    assertEquals(200, client.put("/api/sync/data/environment", token, StandaloneFlowTest.encrypt(new byte[32], "[]")).status);
    Response refused = client.send(HttpMethod.PUT, "/api/sync/data/setting", token,
        Buffer.buffer(StandaloneFlowTest.encrypt(new byte[32], "{}").encode()), Map.of("Content-Type", "text/plain"));
    assertEquals(415, refused.status, refused.toString());
    long deadline = System.currentTimeMillis() + 40_000;
    while (client.get("/api/devices", token).body.getJsonArray("data").getJsonObject(0)
        .getJsonArray("sync", new JsonArray()).size() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }

    browser.get(base + "/dashboard");
    WebElement device = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#devices li[data-id]")));
    assertEquals("Work laptop", device.findElement(By.className("name")).getText());
    WebElement sync = wait.until(ExpectedConditions.visibilityOfNestedElementsLocatedBy(device, By.className("sync")))
        .get(0);
    assertTrue(sync.getText().startsWith("Environments uploaded ") && sync.getText().contains("; Settings refused (415) at "),
        sync.getText());
    assertEquals("Content-Type must be application/json",
        sync.findElement(By.className("refused")).getAttribute("title"));
    ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", device);
    shot("dashboard-sync-status");
    wait.until(ExpectedConditions.textToBe(By.id("device-count"), "1"));
    assertEquals("No key stored yet.", text("key-status"));
    shot("dashboard");
    device.findElement(By.className("revoke")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Device revoked"));
    shot("dashboard-revoked");
    DeviceFlowClusterTest.assertRejectedByEviction(client, token);
  }

  /**
   * Already signed in (the cookie of an earlier visit): authorizing asks for the password, because it is what
   * opens the account's encryption key for the new device. A wrong one is shown and changes nothing.
   */
  @Test
  void anAlreadySignedInUserConfirmsThePasswordToAuthorize() throws Exception {
    browser.get(base + "/login");
    signIn("confirm@example.com", "the confirm password", true);
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));
    String loginUrl = init("Second laptop");
    browser.get(loginUrl); // a new page visit: nothing typed on it
    visible("authorize");
    visible("confirm");
    WebElement field = browser.findElement(By.id("confirm-password"));
    assertEquals("current-password", field.getAttribute("autocomplete"));
    WebElement label = browser.findElement(By.cssSelector("label[for=confirm-password]"));
    assertTrue(label.getText().contains("your password gives this device your encryption key"), label.getText());
    shot("login-authorize-confirm");

    field.sendKeys("not the password");
    browser.findElement(By.id("authorize-button")).click();
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("authorize-error")));
    assertEquals("The password is wrong", error.getText());
    assertEquals("", browser.findElement(By.id("confirm-password")).getAttribute("value"), "the field is cleared");
    assertTrue(browser.findElement(By.id("authorize-button")).isEnabled(), "Authorize stays usable for another try");
    shot("login-authorize-wrong-password");
    Response poll = client.post("/api/sync/token", null, new JsonObject().put("temp_token", tokenOf(loginUrl)));
    assertEquals("Token not yet authorized. Complete login first.", poll.error(), "still pending");

    browser.findElement(By.id("confirm-password")).sendKeys("the confirm password" + Keys.ENTER);
    wait.until(ExpectedConditions.urlToBe(base + "/complete"));
    String token = pollToken(loginUrl);
    Response key = client.put("/api/sync/key", token, new JsonObject().put("master_key",
        Base64.getEncoder().encodeToString(new byte[32])));
    assertEquals(200, key.status, "the device got a grant of the account key (without, the PUT is 403): " + key);
  }

  @Test
  void denyRefusesTheClient() {
    String loginUrl = init("Unknown PC");
    browser.get(loginUrl);
    signIn("deny@example.com", "a good password", true);
    visible("authorize");
    browser.findElement(By.id("deny-button")).click();
    visible("denied");
    shot("login-denied");
    Response poll = client.post("/api/sync/token", null, new JsonObject().put("temp_token", tokenOf(loginUrl)));
    assertEquals(400, poll.status);
    assertEquals("Invalid token", poll.error());
  }

  @Test
  void expiredAndUnknownTokensShowARestartPage() throws Exception {
    String loginUrl = init("Old request");
    try (Connection c = server.db().connect()) {
      c.createStatement().execute("update auth.temp_tokens set expires_at = now() - interval '1 minute'");
    }
    browser.get(loginUrl);
    signIn("expired@example.com", "a good password", true);
    visible("ended");
    assertTrue(text("ended-text").contains("Restart sync"));
    shot("login-expired");
    browser.get(base + "/login?token=flm_temp_" + "0".repeat(64));
    visible("ended");
  }

  @Test
  void wrongPasswordIsShownAndNothingHappens() {
    client.post("/api/auth/register", null, new JsonObject().put("email", "wrong@example.com").put("password", "the right one"));
    browser.get(base + "/login");
    signIn("wrong@example.com", "not the right one", false);
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-error")));
    assertEquals("Invalid email or password", error.getText());
    shot("login-wrong-password");
  }

  @Test
  void dashboardWithoutLoginRedirectsToSignIn() {
    browser.get(base + "/dashboard");
    wait.until(ExpectedConditions.urlToBe(base + "/login"));
    visible("signin");
  }

  /**
   * An attacker's page on the same site but another origin (localhost, another port) auto-submits a form
   * to the claim endpoint. The login cookie is SameSite=Lax, and a same-site POST carries it: so the
   * browser really sends the valid cookie (checked in its network log) and only the Origin check refuses.
   */
  @Test
  void claimFromAnotherOriginIsRefused() throws Exception {
    String loginUrl = init("Phished");
    browser.get(base + "/login");
    signIn("csrf@example.com", "a good password", true);
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));
    String form = "<form id=f method=POST enctype=text/plain action='" + base + "/api/sync/claim'>"
        + "<input name='{\"temp_token\":\"" + tokenOf(loginUrl) + "\",\"x\":\"' value='\"}'></form>"
        + "<script>document.getElementById('f').submit()</script>";
    HttpServer evil = server.vertx().createHttpServer().requestHandler(r -> r.response()
        .putHeader("Content-Type", "text/html").end(form)).listen(0, "127.0.0.1").await();
    String evilOrigin = "http://localhost:" + evil.actualPort();
    try {
      browser.manage().logs().get(LogType.PERFORMANCE); // drop what came before
      browser.get(evilOrigin + "/");
      wait.until(ExpectedConditions.urlContains("/api/sync/claim"));
      String page = browser.getPageSource();
      // the first barrier: a form can only send a form or text body, never application/json (415, unread)
      assertTrue(page.contains("Content-Type must be application/json"), page);
      shot("csrf-refused");
      String cookieSent = cookieHeaderOf(base + "/api/sync/claim");
      assertTrue(cookieSent != null && cookieSent.contains("flamingo_login="),
          "the same-site POST carried the login cookie, so only the server's checks stood in the way: " + cookieSent);
      // the second barrier: the same claim as JSON, with that cookie, from the other origin (as if a browser let a
      // cross-site JSON POST through without a preflight) is refused by the Origin check
      Response asJson = client.web(HttpMethod.POST, "/api/sync/claim", cookieSent, evilOrigin,
          new JsonObject().put("temp_token", tokenOf(loginUrl)).put("password", "a good password"));
      assertEquals(403, asJson.status, asJson.toString());
      assertEquals("Cross-origin request refused", asJson.error());
    } finally {
      evil.close().await();
    }
    Response poll = client.post("/api/sync/token", null, new JsonObject().put("temp_token", tokenOf(loginUrl)));
    assertEquals("Token not yet authorized. Complete login first.", poll.error());
  }

  /** The Cookie header the browser sent with its last request to {@code url} (from the DevTools log), or null. */
  static String cookieHeaderOf(String url) {
    Map<String, String> urls = new HashMap<>();
    Map<String, String> cookies = new HashMap<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
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

  // --- steps -----------------------------------------------------------------------------------

  static String init(String deviceName) {
    Response r = client.post("/api/sync/init", null, new JsonObject().put("device_name", deviceName).put("device_type", "desktop"));
    assertEquals(200, r.status, r.toString());
    return r.data().getString("login_url");
  }

  static String tokenOf(String loginUrl) {
    return loginUrl.substring(loginUrl.indexOf("token=") + 6);
  }

  static String pollToken(String loginUrl) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      Response r = client.post("/api/sync/token", null, new JsonObject().put("temp_token", tokenOf(loginUrl)));
      if (r.status == 200) {
        return r.data().getString("session_token");
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the client never got its session (polled 30 s)");
  }

  static void signIn(String email, String password, boolean registerFirst) {
    visible("signin");
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.id(registerFirst ? "register-submit" : "signin-submit")).click();
  }

  static void visible(String id) {
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  static void shot(String name) {
    Chromium.shot(browser, name);
  }
}
