package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TotpCodes;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Two-factor sign-in in Chromium: Dashboard → Two-factor sign-in sets up an authenticator app (QR code, key, first
 * code, recovery codes), then the Flamingo app's login page pairs a device through the extra step. Screenshots of
 * each step in {@code standalone/target/screenshots/}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TwoFactorBrowserTest {
  @RegisterExtension
  static final BrowserSession web = BrowserSession.with(new JsonObject());

  @Test
  void enrollOnTheDashboardThenPairADeviceWithACode() throws Exception {
    String email = "totp-browser@example.com";
    String password = "a good password for totp";
    web.signIn(email, password, "register-submit");

    web.visible("tf-start");
    web.find("tf-start").click();
    web.visible("tf-enroll");
    web.until(d -> !d.findElement(By.id("tf-secret")).getAttribute("value").isEmpty());
    assertTrue(web.find("tf-qr").getAttribute("src").startsWith("data:image/svg+xml;base64,"));
    web.shot("totp-enroll");
    String secret = web.find("tf-secret").getAttribute("value");
    TotpCodes.freshStep(5);
    web.find("tf-code").sendKeys(TotpCodes.now(secret));
    web.browser().findElement(By.cssSelector("#tf-enroll button[type=submit]")).click();
    web.visible("tf-codes");
    web.until(d -> d.findElements(By.cssSelector("#tf-code-list li")).size() == 10);
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tf-state"), "On"));
    web.shot("totp-recovery-codes");

    // the app on another device starts the device flow; its login page asks for the code after the password
    web.browser().manage().deleteAllCookies();
    Response init = web.client().post("/api/sync/init", null, new JsonObject().put("device_name", "Phone").put("device_type", "desktop"));
    String loginUrl = init.data().getString("login_url");
    web.browser().get(loginUrl);
    web.submitSignIn(email, password, "signin-submit");
    web.visible("second");
    assertNull(web.browser().manage().getCookieNamed("flamingo_login"), "no login cookie before the second step");
    web.shot("totp-second-step");
    TotpCodes.freshStep(31); // the enrollment took this step's code
    web.find("second-code").sendKeys(TotpCodes.now(secret));
    web.find("second-submit").click();
    web.authorizeWithoutThePasswordAgain("the password of the sign-in step is reused", "totp-authorize", "totp-complete");

    String temp = init.data().getString("temp_token");
    Response token = web.client().post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
    assertEquals(200, token.status, token.toString());
    Response grant = web.client().get("/api/sync/key", token.data().getString("session_token"));
    assertEquals(200, grant.status, "the claim with the reused password gave the device its key grant: " + grant);
  }
}
