package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.Credential;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Passkeys in real headless Chromium with a virtual authenticator (WebAuthn through DevTools): added from the
 * dashboard, asked for after the password at sign-in, on the device flow's login page too; a cloned key (its
 * counter behind) is refused; removed with the password. Screenshots: {@code passkey-*.png}.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class PasskeyBrowserTest {
  static final String PASSWORD = "a passkey account password";
  static OneBoxServer server;
  static ApiClient client;
  static String base;
  static WebDriver browser;
  static WebDriverWait wait;
  VirtualAuthenticator authenticator;

  @BeforeAll
  static void start() throws Exception {
    Chromium.require();
    int port = TestCluster.freePort();
    base = "http://localhost:" + port; // the relying party is the public URL's host: localhost, a secure context
    server = OneBoxServer.start(port, new JsonObject().put(Settings.PUBLIC_URL, base).put(Settings.GATEWAY_INSTANCES, 1)
        .put(Setting.RATE_LIMIT_LOGIN.key(), "100/60"));
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
  void freshBrowserWithAnAuthenticator() {
    browser.get(base + "/complete");
    browser.manage().deleteAllCookies();
    authenticator = ((HasVirtualAuthenticator) browser).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
        .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
        .setHasResidentKey(false).setHasUserVerification(true).setIsUserVerified(true).setIsUserConsenting(true));
  }

  @AfterEach
  void removeAuthenticator() {
    ((HasVirtualAuthenticator) browser).removeVirtualAuthenticator(authenticator);
  }

  @Test
  void addAPasskeySignOutSignInWithItAndPairADevice() throws Exception {
    registerAndAddPasskey("passkey@example.com", "Virtual key");
    ((JavascriptExecutor) browser).executeScript("document.getElementById('passkeys').scrollIntoView({block: 'center'})");
    Chromium.shot(browser, "passkey-added");

    browser.findElement(By.id("signout")).click();
    wait.until(ExpectedConditions.urlContains("/login"));
    signInWithPassword("passkey@example.com");
    visible("passkey");
    assertNull(browser.manage().getCookieNamed("flamingo_login"), "no login cookie before the second step");
    Chromium.shot(browser, "passkey-second-step");
    browser.findElement(By.id("passkey-button")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));
    WebElement used = wait.until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("#audit tr[data-type='passkey.used']")));
    assertTrue(used.getText().contains("Signed in with a passkey"), used.getText());
    Chromium.shot(browser, "passkey-signed-in");

    // the device flow's login page: password, passkey, then authorize without typing the password again
    browser.manage().deleteAllCookies();
    String loginUrl = init("Passkey laptop");
    browser.get(loginUrl);
    signInWithPassword("passkey@example.com");
    visible("passkey");
    Chromium.shot(browser, "passkey-pairing-second-step");
    browser.findElement(By.id("passkey-button")).click();
    visible("authorize");
    assertFalse(browser.findElement(By.id("confirm")).isDisplayed(), "the password typed at sign-in is reused");
    Chromium.shot(browser, "passkey-pairing-authorize");
    browser.findElement(By.id("authorize-button")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/complete"));
    Chromium.shot(browser, "passkey-pairing-complete");
    String session = pollToken(loginUrl);
    Response grant = client.get("/api/sync/key", session);
    assertEquals(200, grant.status, "the paired device got its key grant: " + grant);
  }

  @Test
  void aClonedKeyWhoseCounterIsBehindIsRefusedAndAPasskeyIsRemovedWithThePassword() {
    registerAndAddPasskey("clone@example.com", "Cloned key");
    browser.findElement(By.id("signout")).click();
    wait.until(ExpectedConditions.urlContains("/login"));
    signInWithPassword("clone@example.com");
    visible("passkey");
    browser.findElement(By.id("passkey-button")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));

    // the same private key with its counter back at 0: what a copy of the key made before these uses would say
    List<Credential> credentials = authenticator.getCredentials();
    assertEquals(1, credentials.size());
    Credential original = credentials.get(0);
    authenticator.removeAllCredentials();
    authenticator.addCredential(Credential.createNonResidentCredential(original.getId(), original.getRpId(),
        original.getPrivateKey(), 0));
    browser.findElement(By.id("signout")).click();
    wait.until(ExpectedConditions.urlContains("/login"));
    signInWithPassword("clone@example.com");
    visible("passkey");
    browser.findElement(By.id("passkey-button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("passkey-error"), "The passkey was not accepted"));
    assertNull(browser.manage().getCookieNamed("flamingo_login"), "a refused passkey signs nobody in");
    Chromium.shot(browser, "passkey-clone-refused");

    // signed in with the password alone once the passkey is removed (a wrong password removes nothing)
    browser.findElement(By.id("passkey-cancel")).click();
    authenticator.removeAllCredentials();
    authenticator.addCredential(Credential.createNonResidentCredential(original.getId(), original.getRpId(),
        original.getPrivateKey(), 1000));
    signInWithPassword("clone@example.com");
    visible("passkey");
    browser.findElement(By.id("passkey-button")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));
    WebElement key = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#passkeys li[data-id]")));
    key.findElement(By.className("remove")).click();
    visible("passkey-remove-form");
    browser.findElement(By.id("passkey-remove-password")).sendKeys("not the password at all");
    browser.findElement(By.id("passkey-remove-confirm")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("passkey-error"), "The password is wrong"));
    browser.findElement(By.id("passkey-remove-password")).sendKeys(PASSWORD);
    browser.findElement(By.id("passkey-remove-confirm")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("passkeys"), "No passkeys yet."));
    Chromium.shot(browser, "passkey-removed");
    browser.findElement(By.id("signout")).click();
    wait.until(ExpectedConditions.urlContains("/login"));
    signInWithPassword("clone@example.com");
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));
  }

  /** A new account through the sign-in page, then "Add a passkey" on the dashboard; waits for it in the list. */
  private void registerAndAddPasskey(String email, String name) {
    browser.get(base + "/login");
    visible("signin");
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.id("register-submit")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("passkeys"), "No passkeys yet."));
    browser.findElement(By.id("passkey-name")).sendKeys(name);
    browser.findElement(By.id("passkey-add")).click();
    WebElement added = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#passkeys li[data-id]")));
    assertEquals(name, added.findElement(By.className("name")).getText());
    assertEquals(1, authenticator.getCredentials().size(), "the authenticator holds the new credential");
    visible("tf-codes"); // the account's first second factor brings its recovery codes, shown once
    assertEquals(10, browser.findElements(By.cssSelector("#tf-code-list li")).size());
  }

  private static void signInWithPassword(String email) {
    visible("signin");
    WebElement field = browser.findElement(By.id("email"));
    field.clear();
    field.sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.id("signin-submit")).click();
  }

  private static String init(String deviceName) {
    Response r = client.post("/api/sync/init", null, new JsonObject().put("device_name", deviceName).put("device_type", "desktop"));
    assertEquals(200, r.status, r.toString());
    return r.data().getString("login_url");
  }

  private static String pollToken(String loginUrl) throws InterruptedException {
    String token = loginUrl.substring(loginUrl.indexOf("token=") + 6);
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      Response r = client.post("/api/sync/token", null, new JsonObject().put("temp_token", token));
      if (r.status == 200) {
        return r.data().getString("session_token");
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the client never got its session (polled 30 s)");
  }

  private static void visible(String id) {
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }
}
