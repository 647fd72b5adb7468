package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import dev.flamingo.sync.testing.TotpCodes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Two-factor sign-in in Chromium: Dashboard → Two-factor sign-in sets up an authenticator app (QR code, key, first
 * code, recovery codes), then the Flamingo app's login page pairs a device through the extra step. Screenshots of
 * each step in {@code standalone/target/screenshots/}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TwoFactorBrowserTest {
  static OneBoxServer server;
  static ApiClient client;
  static String base;
  static WebDriver browser;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws Exception {
    Chromium.require();
    int port = TestCluster.freePort();
    base = "http://localhost:" + port;
    server = OneBoxServer.start(port, new JsonObject().put(Settings.PUBLIC_URL, base).put(Settings.GATEWAY_INSTANCES, 1));
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

  @Test
  void enrollOnTheDashboardThenPairADeviceWithACode() throws Exception {
    String email = "totp-browser@example.com";
    String password = "a good password for totp";
    browser.get(base + "/login");
    visible("signin");
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.id("register-submit")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));

    visible("tf-start");
    browser.findElement(By.id("tf-start")).click();
    visible("tf-enroll");
    wait.until(d -> !d.findElement(By.id("tf-secret")).getAttribute("value").isEmpty());
    assertTrue(browser.findElement(By.id("tf-qr")).getAttribute("src").startsWith("data:image/svg+xml;base64,"));
    Chromium.shot(browser, "totp-enroll");
    String secret = browser.findElement(By.id("tf-secret")).getAttribute("value");
    TotpCodes.freshStep(5);
    browser.findElement(By.id("tf-code")).sendKeys(TotpCodes.now(secret));
    browser.findElement(By.cssSelector("#tf-enroll button[type=submit]")).click();
    visible("tf-codes");
    wait.until(d -> d.findElements(By.cssSelector("#tf-code-list li")).size() == 10);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tf-state"), "On"));
    Chromium.shot(browser, "totp-recovery-codes");

    // the app on another device starts the device flow; its login page asks for the code after the password
    browser.manage().deleteAllCookies();
    Response init = client.post("/api/sync/init", null, new JsonObject().put("device_name", "Phone").put("device_type", "desktop"));
    String loginUrl = init.data().getString("login_url");
    browser.get(loginUrl);
    visible("signin");
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.id("signin-submit")).click();
    visible("second");
    assertNull(browser.manage().getCookieNamed("flamingo_login"), "no login cookie before the second step");
    Chromium.shot(browser, "totp-second-step");
    TotpCodes.freshStep(31); // the enrollment took this step's code
    browser.findElement(By.id("second-code")).sendKeys(TotpCodes.now(secret));
    browser.findElement(By.id("second-submit")).click();
    visible("authorize");
    assertFalse(browser.findElement(By.id("confirm")).isDisplayed(), "the password of the sign-in step is reused");
    Chromium.shot(browser, "totp-authorize");
    browser.findElement(By.id("authorize-button")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/complete"));
    Chromium.shot(browser, "totp-complete");

    String temp = init.data().getString("temp_token");
    Response token = client.post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
    assertEquals(200, token.status, token.toString());
    Response grant = client.get("/api/sync/key", token.data().getString("session_token"));
    assertEquals(200, grant.status, "the claim with the reused password gave the device its key grant: " + grant);
  }

  static void visible(String id) {
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }
}
