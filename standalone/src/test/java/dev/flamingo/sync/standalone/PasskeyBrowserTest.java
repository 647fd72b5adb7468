package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
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
  // the relying party is the public URL's host: localhost, a secure context
  @RegisterExtension
  static final BrowserSession web = BrowserSession.with(new JsonObject().put(Setting.RATE_LIMIT_LOGIN.key(), "100/60"))
      .freshCookiesOn("/complete");
  VirtualAuthenticator authenticator;

  @BeforeEach
  void addAnAuthenticator() {
    authenticator = ((HasVirtualAuthenticator) web.browser()).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
        .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
        .setHasResidentKey(false).setHasUserVerification(true).setIsUserVerified(true).setIsUserConsenting(true));
  }

  @AfterEach
  void removeAuthenticator() {
    ((HasVirtualAuthenticator) web.browser()).removeVirtualAuthenticator(authenticator);
  }

  @Test
  void addAPasskeySignOutSignInWithItAndPairADevice() throws Exception {
    registerAndAddPasskey("passkey@example.com", "Virtual key");
    ((JavascriptExecutor) web.browser()).executeScript("document.getElementById('passkeys').scrollIntoView({block: 'center'})");
    web.shot("passkey-added");

    web.find("signout").click();
    web.until(ExpectedConditions.urlContains("/login"));
    signInWithPassword("passkey@example.com");
    web.visible("passkey");
    assertNull(web.browser().manage().getCookieNamed("flamingo_login"), "no login cookie before the second step");
    web.shot("passkey-second-step");
    web.find("passkey-button").click();
    web.until(ExpectedConditions.urlToBe(web.base() + "/dashboard"));
    WebElement used = web.until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("#audit tr[data-type='passkey.used']")));
    assertTrue(used.getText().contains("Signed in with a passkey"), used.getText());
    web.shot("passkey-signed-in");

    // the device flow's login page: password, passkey, then authorize without typing the password again
    web.browser().manage().deleteAllCookies();
    String loginUrl = web.init("Passkey laptop");
    web.browser().get(loginUrl);
    signInWithPassword("passkey@example.com");
    web.visible("passkey");
    web.shot("passkey-pairing-second-step");
    web.find("passkey-button").click();
    web.authorizeWithoutThePasswordAgain("the password typed at sign-in is reused", "passkey-pairing-authorize",
        "passkey-pairing-complete");
    String session = web.pollToken(loginUrl);
    Response grant = web.client().get("/api/sync/key", session);
    assertEquals(200, grant.status, "the paired device got its key grant: " + grant);
  }

  @Test
  void aClonedKeyWhoseCounterIsBehindIsRefusedAndAPasskeyIsRemovedWithThePassword() {
    registerAndAddPasskey("clone@example.com", "Cloned key");
    web.find("signout").click();
    web.until(ExpectedConditions.urlContains("/login"));
    signInWithPassword("clone@example.com");
    web.visible("passkey");
    web.find("passkey-button").click();
    web.until(ExpectedConditions.urlToBe(web.base() + "/dashboard"));

    // the same private key with its counter back at 0: what a copy of the key made before these uses would say
    List<Credential> credentials = authenticator.getCredentials();
    assertEquals(1, credentials.size());
    Credential original = credentials.get(0);
    authenticator.removeAllCredentials();
    authenticator.addCredential(Credential.createNonResidentCredential(original.getId(), original.getRpId(),
        original.getPrivateKey(), 0));
    web.find("signout").click();
    web.until(ExpectedConditions.urlContains("/login"));
    signInWithPassword("clone@example.com");
    web.visible("passkey");
    web.find("passkey-button").click();
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("passkey-error"), "The passkey was not accepted"));
    assertNull(web.browser().manage().getCookieNamed("flamingo_login"), "a refused passkey signs nobody in");
    web.shot("passkey-clone-refused");

    // signed in with the password alone once the passkey is removed (a wrong password removes nothing)
    web.find("passkey-cancel").click();
    authenticator.removeAllCredentials();
    authenticator.addCredential(Credential.createNonResidentCredential(original.getId(), original.getRpId(),
        original.getPrivateKey(), 1000));
    signInWithPassword("clone@example.com");
    web.visible("passkey");
    web.find("passkey-button").click();
    web.until(ExpectedConditions.urlToBe(web.base() + "/dashboard"));
    WebElement key = web.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#passkeys li[data-id]")));
    key.findElement(By.className("remove")).click();
    web.visible("passkey-remove-form");
    web.find("passkey-remove-password").sendKeys("not the password at all");
    web.find("passkey-remove-confirm").click();
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("passkey-error"), "The password is wrong"));
    web.find("passkey-remove-password").sendKeys(PASSWORD);
    web.find("passkey-remove-confirm").click();
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("passkeys"), "No passkeys yet."));
    web.shot("passkey-removed");
    web.find("signout").click();
    web.until(ExpectedConditions.urlContains("/login"));
    signInWithPassword("clone@example.com");
    web.until(ExpectedConditions.urlToBe(web.base() + "/dashboard"));
  }

  /** A new account through the sign-in page, then "Add a passkey" on the dashboard; waits for it in the list. */
  private void registerAndAddPasskey(String email, String name) {
    web.signIn(email, PASSWORD, "register-submit");
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("passkeys"), "No passkeys yet."));
    web.find("passkey-name").sendKeys(name);
    web.find("passkey-add").click();
    WebElement added = web.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#passkeys li[data-id]")));
    assertEquals(name, added.findElement(By.className("name")).getText());
    assertEquals(1, authenticator.getCredentials().size(), "the authenticator holds the new credential");
    web.visible("tf-codes"); // the account's first second factor brings its recovery codes, shown once
    assertEquals(10, web.browser().findElements(By.cssSelector("#tf-code-list li")).size());
  }

  /** On the sign-in form: over the e-mail a cancelled second step left, the account's e-mail and password. */
  private static void signInWithPassword(String email) {
    web.visible("signin").findElement(By.id("email")).clear();
    web.submitSignIn(email, PASSWORD, "signin-submit");
  }
}
