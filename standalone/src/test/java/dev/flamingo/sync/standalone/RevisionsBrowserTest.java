package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The dashboard's earlier versions and trash (issue 23), in real headless Chromium against the one-box server; the
 * desktop apps are HTTP clients beside it that write through the Bearer API. Screenshots in target/screenshots.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RevisionsBrowserTest {
  @RegisterExtension
  static final BrowserSession web = BrowserSession.with(new JsonObject()
          .put(Settings.RATE_LIMIT_LOGIN, "1000/60").put(Settings.RATE_LIMIT_REGISTER, "1000/60"))
      .downloads(Path.of("target", "downloads-revisions")).width(1280).ignoringStale().freshCookiesOn("/login");

  /** Laptop A's environments, overwritten by Desktop B, restored from the dashboard: the app's GET returns A's. */
  @Test
  void aVersionRestoredFromTheDashboardIsWhatTheAppDownloads() {
    Devices devices = laptopAndDesktop("restore@example.com");
    put(web.client(), devices.laptop(), "environment", "A's environments");
    put(web.client(), devices.desktop(), "environment", "B's environments");

    web.signIn("restore@example.com");
    WebElement row = web.until(d -> firstRow("environment"));
    assertTrue(row.getText().contains("Laptop A"), "the version is listed with the device that wrote it: " + row.getText());
    row.findElement(By.cssSelector("button.restore")).click();
    WebElement dialog = web.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
    assertTrue(dialog.getText().contains("next sync"), "the dialog says when the apps see it: " + dialog.getText());
    web.shot("revisions-restore-confirm");
    web.find("confirm-ok").click();
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "next sync"));
    web.shot("revisions-restored");

    Response current = web.client().get("/api/sync/data/environment", devices.desktop());
    assertEquals(200, current.status, current.toString());
    assertEquals(blob("A's environments"), current.data().getString("encrypted_blob"), "A's content is current again");
    assertEquals(3L, current.data().getLong("version"), "a restore is a new version, so every device syncs it");
    assertEquals(List.of(), web.cspViolations(), "the dashboard breaks none of its CSP");
  }

  /** A version that another device replaced carries the badge, and the week's overwrites are told in words. */
  @Test
  void aChangeReplacedByAnotherDeviceIsBadgedAndCounted() {
    Devices devices = laptopAndDesktop("badge@example.com");
    put(web.client(), devices.laptop(), "collection", "A's first collections");
    // keeps the first: no revision kept yet to coalesce with
    put(web.client(), devices.laptop(), "collection", "A's collections");
    put(web.client(), devices.desktop(), "collection", "B's collections");

    web.signIn("badge@example.com");
    web.until(d -> d.findElements(By.cssSelector("#history-collection tbody tr[data-version]")).size() == 2);
    List<WebElement> rows = web.browser().findElements(By.cssSelector("#history-collection tbody tr[data-version]"));
    WebElement badge = rows.get(0).findElement(By.cssSelector(".badge.replaced-by-other"));
    assertEquals("Desktop B replaced a change from Laptop A", badge.getText());
    assertEquals(List.of(), rows.get(1).findElements(By.cssSelector(".badge")),
        "Laptop A replacing its own change is no overwrite: " + rows.get(1).getText());
    WebElement overwrites = web.until(d -> d.findElement(By.cssSelector("#overwrites li")));
    assertEquals("Desktop B replaced Laptop A's collections once this week", overwrites.getText());
    ((JavascriptExecutor) web.browser()).executeScript("document.getElementById('history-card').scrollIntoView()");
    web.shot("revisions-replaced-by-other-device");
  }

  /** "Delete history" for a type, confirmed, empties its list on the page and on the server. */
  @Test
  void deleteHistoryEmptiesTheList() {
    Devices devices = laptopAndDesktop("purge@example.com");
    put(web.client(), devices.laptop(), "secret", "A's secrets");
    put(web.client(), devices.desktop(), "secret", "B's secrets");

    web.signIn("purge@example.com");
    WebElement row = web.until(d -> firstRow("secret"));
    row.findElement(By.xpath("ancestor::section[contains(@class,'history-type')]"))
        .findElement(By.cssSelector("button.delete-history")).click();
    web.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
    web.shot("revisions-delete-history-confirm");
    web.find("confirm-ok").click();
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "deleted"));
    web.until(d -> d.findElements(By.cssSelector("#history-secret tbody tr")).isEmpty());
    web.shot("revisions-history-deleted");

    Response list = web.client().get("/api/sync/data/secret/revisions", devices.laptop());
    assertEquals(200, list.status, list.toString());
    assertEquals(0, list.data().getInteger("count"), list.toString());
    assertEquals(blob("B's secrets"), web.client().get("/api/sync/data/secret", devices.laptop()).data().getString("encrypted_blob"),
        "the current version stays");
  }

  /** A deleted type is in the trash, and restoring it from there brings it back for the app. */
  @Test
  void aDeletedTypeIsRestoredFromTheTrash() {
    String cookie = Pairing.register(web.client(), "trash@example.com");
    String laptop = Pairing.pairDevice(web.client(), cookie, "Laptop A");
    put(web.client(), laptop, "setting", "A's settings");
    assertEquals(200, web.client().delete("/api/sync/data/setting", laptop).status);

    web.signIn("trash@example.com");
    WebElement item = web.until(d -> d.findElement(By.cssSelector("#trash li[data-type=setting]")));
    assertTrue(item.getText().contains("Settings"), item.getText());
    web.shot("revisions-trash");
    item.findElement(By.cssSelector("button.restore")).click();
    web.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
    web.find("confirm-ok").click();
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "next sync"));
    web.until(d -> d.findElements(By.cssSelector("#trash li[data-type=setting]")).isEmpty());

    Response back = web.client().get("/api/sync/data/setting", laptop);
    assertEquals(200, back.status, back.toString());
    assertEquals(blob("A's settings"), back.data().getString("encrypted_blob"));
  }

  // --- steps -----------------------------------------------------------------------------------

  /** The session tokens of an account's two devices. */
  record Devices(String laptop, String desktop) {
  }

  /** A new account ({@link Pairing#register}) with two devices paired, "Laptop A" and "Desktop B". */
  static Devices laptopAndDesktop(String email) {
    String cookie = Pairing.register(web.client(), email);
    return new Devices(Pairing.pairDevice(web.client(), cookie, "Laptop A"),
        Pairing.pairDevice(web.client(), cookie, "Desktop B"));
  }

  /** The first row of {@code type}'s list of earlier versions, or null while there is none. */
  static WebElement firstRow(String type) {
    List<WebElement> rows = web.browser().findElements(By.cssSelector("#history-" + type + " tbody tr[data-version]"));
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
}
