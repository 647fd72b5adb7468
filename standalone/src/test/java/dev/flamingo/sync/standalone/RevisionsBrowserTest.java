package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard's earlier versions and trash (issue 23), in real headless Chromium against the one-box server; the
 * desktop apps are HTTP clients beside it that write through the Bearer API. Screenshots in target/screenshots.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RevisionsBrowserTest {
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
    server = OneBoxServer.start(port, new JsonObject()
        .put(Settings.PUBLIC_URL, base).put(Settings.GATEWAY_INSTANCES, 1)
        .put(Settings.RATE_LIMIT_LOGIN, "1000/60").put(Settings.RATE_LIMIT_REGISTER, "1000/60"));
    client = server.api();
    browser = Chromium.start(Path.of("target", "downloads-revisions"), 1280);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.ignoring(StaleElementReferenceException.class);
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
    browser.get(base + "/login");
    browser.manage().deleteAllCookies();
  }

  /** Laptop A's environments, overwritten by Desktop B, restored from the dashboard: the app's GET returns A's. */
  @Test
  void aVersionRestoredFromTheDashboardIsWhatTheAppDownloads() {
    String cookie = Pairing.register(client, "restore@example.com");
    String laptop = Pairing.pairDevice(client, cookie, "Laptop A");
    String desktop = Pairing.pairDevice(client, cookie, "Desktop B");
    put(client, laptop, "environment", "A's environments");
    put(client, desktop, "environment", "B's environments");

    signIn("restore@example.com");
    WebElement row = wait.until(d -> firstRow("environment"));
    assertTrue(row.getText().contains("Laptop A"), "the version is listed with the device that wrote it: " + row.getText());
    row.findElement(By.cssSelector("button.restore")).click();
    WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
    assertTrue(dialog.getText().contains("next sync"), "the dialog says when the apps see it: " + dialog.getText());
    Chromium.shot(browser, "revisions-restore-confirm");
    browser.findElement(By.id("confirm-ok")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "next sync"));
    Chromium.shot(browser, "revisions-restored");

    Response current = client.get("/api/sync/data/environment", desktop);
    assertEquals(200, current.status, current.toString());
    assertEquals(blob("A's environments"), current.data().getString("encrypted_blob"), "A's content is current again");
    assertEquals(3L, current.data().getLong("version"), "a restore is a new version, so every device syncs it");
    assertNoCspViolation();
  }

  /** A version that another device replaced carries the badge, and the week's overwrites are told in words. */
  @Test
  void aChangeReplacedByAnotherDeviceIsBadgedAndCounted() {
    String cookie = Pairing.register(client, "badge@example.com");
    String laptop = Pairing.pairDevice(client, cookie, "Laptop A");
    String desktop = Pairing.pairDevice(client, cookie, "Desktop B");
    put(client, laptop, "collection", "A's first collections");
    put(client, laptop, "collection", "A's collections"); // keeps the first: no revision kept yet to coalesce with
    put(client, desktop, "collection", "B's collections");

    signIn("badge@example.com");
    wait.until(d -> d.findElements(By.cssSelector("#history-collection tbody tr[data-version]")).size() == 2);
    List<WebElement> rows = browser.findElements(By.cssSelector("#history-collection tbody tr[data-version]"));
    WebElement badge = rows.get(0).findElement(By.cssSelector(".badge.replaced-by-other"));
    assertEquals("Desktop B replaced a change from Laptop A", badge.getText());
    assertEquals(List.of(), rows.get(1).findElements(By.cssSelector(".badge")),
        "Laptop A replacing its own change is no overwrite: " + rows.get(1).getText());
    WebElement overwrites = wait.until(d -> d.findElement(By.cssSelector("#overwrites li")));
    assertEquals("Desktop B replaced Laptop A's collections once this week", overwrites.getText());
    ((JavascriptExecutor) browser).executeScript("document.getElementById('history-card').scrollIntoView()");
    Chromium.shot(browser, "revisions-replaced-by-other-device");
  }

  /** "Delete history" for a type, confirmed, empties its list on the page and on the server. */
  @Test
  void deleteHistoryEmptiesTheList() {
    String cookie = Pairing.register(client, "purge@example.com");
    String laptop = Pairing.pairDevice(client, cookie, "Laptop A");
    String desktop = Pairing.pairDevice(client, cookie, "Desktop B");
    put(client, laptop, "secret", "A's secrets");
    put(client, desktop, "secret", "B's secrets");

    signIn("purge@example.com");
    WebElement row = wait.until(d -> firstRow("secret"));
    row.findElement(By.xpath("ancestor::section[contains(@class,'history-type')]"))
        .findElement(By.cssSelector("button.delete-history")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
    Chromium.shot(browser, "revisions-delete-history-confirm");
    browser.findElement(By.id("confirm-ok")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "deleted"));
    wait.until(d -> d.findElements(By.cssSelector("#history-secret tbody tr")).isEmpty());
    Chromium.shot(browser, "revisions-history-deleted");

    Response list = client.get("/api/sync/data/secret/revisions", laptop);
    assertEquals(200, list.status, list.toString());
    assertEquals(0, list.data().getInteger("count"), list.toString());
    assertEquals(blob("B's secrets"), client.get("/api/sync/data/secret", laptop).data().getString("encrypted_blob"),
        "the current version stays");
  }

  /** A deleted type is in the trash, and restoring it from there brings it back for the app. */
  @Test
  void aDeletedTypeIsRestoredFromTheTrash() {
    String cookie = Pairing.register(client, "trash@example.com");
    String laptop = Pairing.pairDevice(client, cookie, "Laptop A");
    put(client, laptop, "setting", "A's settings");
    assertEquals(200, client.delete("/api/sync/data/setting", laptop).status);

    signIn("trash@example.com");
    WebElement item = wait.until(d -> d.findElement(By.cssSelector("#trash li[data-type=setting]")));
    assertTrue(item.getText().contains("Settings"), item.getText());
    Chromium.shot(browser, "revisions-trash");
    item.findElement(By.cssSelector("button.restore")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
    browser.findElement(By.id("confirm-ok")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "next sync"));
    wait.until(d -> d.findElements(By.cssSelector("#trash li[data-type=setting]")).isEmpty());

    Response back = client.get("/api/sync/data/setting", laptop);
    assertEquals(200, back.status, back.toString());
    assertEquals(blob("A's settings"), back.data().getString("encrypted_blob"));
  }

  // --- steps -----------------------------------------------------------------------------------

  /** The first row of {@code type}'s list of earlier versions, or null while there is none. */
  static WebElement firstRow(String type) {
    List<WebElement> rows = browser.findElements(By.cssSelector("#history-" + type + " tbody tr[data-version]"));
    return rows.isEmpty() ? null : rows.get(0);
  }

  /** Stands for a ciphertext: the text and 16 bytes for a GCM tag (the server wants at least that). */
  static String blob(String text) {
    return Base64.getEncoder().encodeToString((text + " and a GCM tag...").getBytes(StandardCharsets.UTF_8));
  }

  /** Uploads {@code text} (as if sealed) as {@code type}'s current version, as the app does. */
  static void put(ApiClient api, String token, String type, String text) {
    Response r = api.put("/api/sync/data/" + type, token, new JsonObject().put("encrypted_blob", blob(text))
        .put("nonce", Base64.getEncoder().encodeToString(new byte[12])));
    assertEquals(200, r.status, r.toString());
  }

  static void signIn(String email) {
    browser.get(base + "/login");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin")));
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(Pairing.passwordOf(email));
    browser.findElement(By.id("signin-submit")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));
  }

  static void assertNoCspViolation() {
    List<String> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
        .filter(m -> m.contains("Content Security Policy")).toList();
    assertEquals(List.of(), violations, "the dashboard breaks none of its CSP");
  }
}
