package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operators' and the owners' pages in real headless Chromium against the one-box server: the admin page
 * (figures, search, disable and enable, quota, delete, invite-only sign-up with an invite link), export and delete
 * my account on the dashboard, and the dashboard's layout at a 1200 px window (logo, inline rename). What each
 * click did is checked through the API or the database, not only on the page. Screenshots in target/screenshots.
 */
// longer than the 5-minute default (junit-platform.properties): a real browser, each step waited for up to 30 s
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class OperatorPagesBrowserTest {
  static final String ADMIN = "root@example.com";
  static final Path DOWNLOADS = Path.of("target", "downloads-operator");

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
    Pairing.register(client, ADMIN);
    server.grantAdmin(ADMIN);
    browser = Chromium.start(DOWNLOADS);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.ignoring(StaleElementReferenceException.class); // the tables are drawn anew after each action
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
    browser.get(base + "/complete");
    browser.manage().deleteAllCookies();
  }

  @AfterEach
  void signUpsOpenAgain() {
    Response r = client.web(HttpMethod.PUT, "/api/admin/signups", adminCookie(), base, new JsonObject().put("mode", "open"));
    assertEquals(200, r.status, r.toString());
  }

  @Test
  void theAdminPageListsSearchesDisablesEnablesSetsAQuotaResetsAPasswordAndDeletes() throws Exception {
    String bobCookie = Pairing.register(client, "bob@example.com");
    String bobToken = Pairing.pairDevice(client, bobCookie, "Bob's laptop");
    Pairing.register(client, "carol@example.com");

    signIn(ADMIN, Pairing.passwordOf(ADMIN));
    WebElement adminLink = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-link")));
    adminLink.click();
    wait.until(ExpectedConditions.urlToBe(base + "/admin"));
    WebElement bob = row("bob@example.com");
    assertEquals("1", bob.findElements(By.tagName("td")).get(3).getText(), "bob's one device");
    wait.until(d -> !text("fig-accounts").equals("…"));
    assertEquals(String.valueOf(count("select count(*) from auth.accounts where deleting_at is null")), text("fig-accounts"));
    assertTrue(row(ADMIN).findElements(By.cssSelector("button.disable, button.delete, button.reset-password")).isEmpty(),
        "an admin's own row offers neither Disable, Reset password nor Delete");
    Chromium.shot(browser, "admin");

    browser.findElement(By.id("search")).sendKeys("carol" + Keys.ENTER);
    wait.until(d -> rows().size() == 1 && rows().get(0).getAttribute("data-email").equals("carol@example.com"));
    Chromium.shot(browser, "admin-search");
    browser.findElement(By.id("search")).clear();
    browser.findElement(By.id("search")).sendKeys(Keys.ENTER);
    wait.until(d -> rows().size() > 1);
    row("bob@example.com");

    row("bob@example.com").findElement(By.cssSelector("button.disable")).click();
    wait.until(d -> row("bob@example.com").getText().contains("disabled"));
    DeviceFlowClusterTest.assertRejectedByEviction(client, bobToken);
    Response refused = login("bob@example.com");
    assertEquals(403, refused.status, refused.toString());
    assertEquals("This account is disabled", refused.error());
    Chromium.shot(browser, "admin-disabled");

    row("bob@example.com").findElement(By.cssSelector("button.enable")).click();
    wait.until(d -> !row("bob@example.com").getText().contains("disabled"));
    assertEquals(200, login("bob@example.com").status, "enabled again: bob signs in");

    row("bob@example.com").findElement(By.cssSelector("button.quota")).click();
    WebElement quota = row("bob@example.com").findElement(By.className("quota-field"));
    quota.clear();
    quota.sendKeys("1MiB" + Keys.ENTER);
    wait.until(d -> row("bob@example.com").findElement(By.className("usage")).getText().endsWith("/ 1.0 MiB"));
    assertEquals(1_048_576L, count("select max_bytes from data.account_quotas where account_id = "
        + row("bob@example.com").getAttribute("data-id")));

    // a reset gives the admin a one-time link, no password field: bob chooses the password on the link's page
    row("bob@example.com").findElement(By.cssSelector("button.reset-password")).click();
    assertTrue(row("bob@example.com").findElements(By.cssSelector("input[type=password]")).isEmpty(), "the admin types no password");
    Chromium.shot(browser, "admin-reset-password");
    row("bob@example.com").findElement(By.cssSelector("button.confirm-reset")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Password reset for bob@example.com"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reset-url")));
    String link = browser.findElement(By.id("reset-url")).getAttribute("value");
    assertTrue(link.startsWith(base + "/reset?token=flm_reset_"), link);
    assertTrue(browser.findElement(By.id("reset-copy")).isDisplayed());
    assertEquals(401, login("bob@example.com").status, "the old password no longer signs in");
    String bobs = "correct horse battery staple 42";
    browser.get(link);
    WebElement first = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-password")));
    wait.until(ExpectedConditions.urlToBe(base + "/reset")); // the token leaves the address bar
    first.sendKeys(bobs);
    browser.findElement(By.id("new-password-again")).sendKeys("not the same one at all");
    browser.findElement(By.id("reset-submit")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reset-error"), "differ"));
    WebElement again = browser.findElement(By.id("new-password-again"));
    again.clear();
    again.sendKeys(bobs + Keys.ENTER);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("done")));
    Chromium.shot(browser, "reset-done");
    assertEquals(200, client.post("/api/auth/login", null, new JsonObject().put("email", "bob@example.com")
        .put("password", bobs)).status, "bob's own password signs in");
    browser.get(link);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-password"))).sendKeys(bobs);
    browser.findElement(By.id("new-password-again")).sendKeys(bobs + Keys.ENTER);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("unusable-text"), "already used"));
    browser.get(base + "/admin");
    wait.until(d -> row("carol@example.com") != null);

    row("carol@example.com").findElement(By.cssSelector("button.delete")).click();
    WebElement confirm = row("carol@example.com").findElement(By.cssSelector("button.confirm-delete"));
    Chromium.shot(browser, "admin-delete-confirm");
    confirm.click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Account deleted: carol@example.com"));
    wait.until(d -> rows().stream().noneMatch(r -> "carol@example.com".equals(r.getAttribute("data-email"))));
    assertEquals(401, login("carol@example.com").status, "carol's account is gone");
    assertEquals(0L, count("select count(*) from auth.accounts where email = 'carol@example.com'"));

    // the admin role, with the admin's own password typed again: granted, then revoked
    for (String done : List.of("bob@example.com is an admin now.", "bob@example.com is no longer an admin.")) {
      row("bob@example.com").findElement(By.cssSelector("button.role")).click();
      WebElement own = row("bob@example.com").findElement(By.className("own-password"));
      assertEquals("current-password", own.getAttribute("autocomplete"));
      own.sendKeys(Pairing.passwordOf(ADMIN) + Keys.ENTER);
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), done));
    }
    // the admin log: every action above, newest first, the deleted account's e-mail included
    wait.until(d -> browser.findElements(By.cssSelector("#admin-log tbody tr[data-id]")).stream()
        .anyMatch(r -> r.getText().contains("account.deleted") && r.getText().contains("carol@example.com")));
    assertTrue(browser.findElements(By.cssSelector("#admin-log tbody tr[data-id]")).get(0).getText()
        .contains("account.admin_revoked"), "newest first");
    Chromium.shot(browser, "admin-log");
  }

  @Test
  void invitesAdmitASignUpWhileSignUpsAreInviteOnly() {
    signIn(ADMIN, Pairing.passwordOf(ADMIN));
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));
    browser.get(base + "/admin");
    WebElement inviteOnly = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("input[name=mode][value=invite-only]")));
    wait.until(d -> d.findElements(By.cssSelector("input[name=mode]:checked")).size() == 1);
    inviteOnly.click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Sign-ups are now invite-only."));
    assertEquals("invite-only", client.get("/api/auth/signups", null).data().getString("mode"), "the server's mode changed");

    browser.findElement(By.id("invite-note")).sendKeys("Dana");
    browser.findElement(By.id("invite-create")).click();
    WebElement url = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("invite-url")));
    String link = url.getAttribute("value");
    assertTrue(link.startsWith(base + "/login?invite=flm_inv_"), link);
    wait.until(d -> d.findElements(By.cssSelector("#invites tbody tr[data-id]")).size() == 1);
    Chromium.shot(browser, "admin-invite");

    browser.findElement(By.id("signout")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/login"));
    visible("signup-hint");
    assertEquals("New accounts on this server need an invite link from its admin.", text("signup-hint"));
    assertFalse(browser.findElement(By.id("register-submit")).isDisplayed(), "no Create account without an invite");
    Chromium.shot(browser, "login-invite-only");
    Response without = client.post("/api/auth/register", null, new JsonObject().put("email", "eve@example.com")
        .put("password", "eve's password"));
    assertEquals(403, without.status, without.toString());

    String token = link.substring(link.indexOf("invite=") + 7);
    assertTrue(client.get("/api/auth/signups?invite=" + token, null).data().getBoolean("invite_open"), "the invite is open");
    assertFalse(client.get("/api/auth/signups?invite=flm_inv_nonesuch", null).data().getBoolean("invite_open"));
    assertFalse(client.get("/api/auth/signups", null).data().containsKey("invite_open"), "only with an invite");
    browser.get(base + "/login?invite=flm_inv_nonesuch");
    visible("invite-ended");
    assertFalse(browser.findElement(By.id("invite-hint")).isDisplayed(), "a dead invite promises nothing");
    assertFalse(browser.findElement(By.id("register-submit")).isDisplayed(), "nor offers Create account");
    Chromium.shot(browser, "login-invite-ended");
    browser.get(link);
    visible("invite-hint");
    assertFalse(browser.findElement(By.id("invite-ended")).isDisplayed());
    assertFalse(browser.findElement(By.tagName("footer")).isDisplayed(), "no dangling \"Account ·\" signed out");
    Chromium.shot(browser, "login-invite");
    browser.findElement(By.id("email")).sendKeys("dana@example.com");
    browser.findElement(By.id("password")).sendKeys("dana's password");
    browser.findElement(By.id("register-submit")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));
    wait.until(ExpectedConditions.textToBe(By.id("who"), "dana@example.com"));
    assertFalse(browser.findElement(By.id("admin-link")).isDisplayed(), "dana is no admin");

    assertFalse(client.get("/api/auth/signups?invite=" + token, null).data().getBoolean("invite_open"), "used: no longer open");
    browser.manage().deleteAllCookies();
    browser.get(link);
    visible("invite-ended");
    Response again = client.post("/api/auth/register", null, new JsonObject().put("email", "mallory@example.com")
        .put("password", "mallory's password").put("invite", token));
    assertEquals(403, again.status, "an invite admits one sign-up: " + again);
    Response invites = client.web(HttpMethod.GET, "/api/admin/invites", adminCookie(), base, null);
    assertEquals("used", invites.body.getJsonArray("data").getJsonObject(0).getString("status"), invites.toString());
  }

  @Test
  void aNonAdminSeesNoAdminLinkAndTheAdminPageSaysAdminsOnly() {
    Pairing.register(client, "plain@example.com");
    signIn("plain@example.com", Pairing.passwordOf("plain@example.com"));
    wait.until(ExpectedConditions.textToBe(By.id("who"), "plain@example.com"));
    assertFalse(browser.findElement(By.id("admin-link")).isDisplayed());
    browser.get(base + "/admin");
    visible("forbidden");
    assertFalse(browser.findElement(By.id("admin")).isDisplayed(), "no admin section for a non-admin");
  }

  @Test
  void ownersExportTheirDataAndDeleteTheirAccountWithTheirPassword() throws Exception {
    String email = "erin@example.com";
    String cookie = Pairing.register(client, email);
    String token = Pairing.pairDevice(client, cookie, "Erin's laptop");
    String key = Base64.getEncoder().encodeToString(new byte[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7});
    assertEquals(200, client.put("/api/sync/key", token, new JsonObject().put("master_key", key)).status);
    String blob = Base64.getEncoder().encodeToString("erin's encrypted history".getBytes());
    assertEquals(200, client.put("/api/sync/data/history", token, new JsonObject().put("encrypted_blob", blob)
        .put("nonce", "bm9uY2Vub25jZTEy")).status);

    signIn(email, Pairing.passwordOf(email));
    wait.until(ExpectedConditions.textToBe(By.id("who"), email));
    clearDownloads();
    browser.findElement(By.id("export")).click();
    Path file = downloaded();
    JsonObject data = new JsonObject(Files.readString(file));
    assertFalse(data.containsKey("success"), "the file is the export itself, not the API envelope: " + data.fieldNames());
    assertEquals("flamingo-export/1", data.getString("format"));
    assertEquals(email, data.getJsonObject("account").getString("email"));
    assertEquals(blob, data.getJsonArray("data").getJsonObject(0).getString("encrypted_blob"));
    assertEquals("Erin's laptop", data.getJsonArray("devices").getJsonObject(0).getString("name"));
    assertFalse(Files.readString(file).contains(key), "never the key");

    browser.findElement(By.id("delete-password")).sendKeys("not my password");
    browser.findElement(By.id("delete-confirm")).click();
    browser.findElement(By.id("delete-account")).click();
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("delete-error")));
    assertEquals("The password is wrong", error.getText());
    Chromium.shot(browser, "dashboard-delete-wrong-password");
    assertEquals(200, client.get("/api/sync/config", token).status, "a wrong password deletes nothing");

    browser.findElement(By.id("delete-password")).sendKeys(Pairing.passwordOf(email));
    browser.findElement(By.id("delete-account")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/login?deleted=1"));
    wait.until(ExpectedConditions.textToBe(By.id("notice"), "Your account was deleted."));
    Chromium.shot(browser, "account-deleted");
    DeviceFlowClusterTest.assertRejectedByEviction(client, token);
    assertEquals(401, login(email).status);
    assertEquals(0L, count("select count(*) from data.blobs b where b.account_id not in (select id from auth.accounts)"),
        "no blob outlives its account");
  }

  /** The dashboard's overview rows and sync switches come from GET /api/server's data_types; a switch saves. */
  @Test
  void theDashboardListsTheServersDataTypesAndASwitchSaves() {
    String email = "grace@example.com";
    String cookie = Pairing.register(client, email);
    String token = Pairing.pairDevice(client, cookie, "Grace's laptop");
    signIn(email, Pairing.passwordOf(email));
    wait.until(ExpectedConditions.textToBe(By.id("who"), email));
    wait.until(d -> d.findElements(By.cssSelector("#settings input")).size() == DataType.ALL.size()
        && d.findElements(By.cssSelector("#overview tbody tr")).size() == DataType.ALL.size());
    List<WebElement> boxes = browser.findElements(By.cssSelector("#settings input"));
    List<WebElement> rows = browser.findElements(By.cssSelector("#overview tbody tr"));
    for (int i = 0; i < DataType.ALL.size(); i++) {
      DataType type = DataType.ALL.get(i);
      assertEquals(type.configKey(), boxes.get(i).getAttribute("name"));
      assertEquals(type.label(), boxes.get(i).findElement(By.xpath("..")).getText().trim());
      assertEquals(type.wireName(), rows.get(i).getAttribute("data-type"));
      assertEquals(type.label(), rows.get(i).findElement(By.tagName("td")).getText());
    }
    wait.until(d -> d.findElements(By.cssSelector("#settings input")).stream().allMatch(WebElement::isSelected));
    browser.findElement(By.cssSelector("#settings input[name='" + DataType.SECRET.configKey() + "']")).click();
    wait.until(ExpectedConditions.textToBe(By.id("notice"), "Sync settings saved."));
    JsonObject config = client.get("/api/sync/config", token).body.getJsonObject("data");
    for (DataType type : DataType.ALL) {
      assertEquals(type != DataType.SECRET, config.getBoolean(type.configKey()), config.encode());
    }
  }

  @Test
  void theDashboardFitsA1200PxWindowShowsTheSvgLogoAndRenamesInPlace() {
    String email = "frank@example.com";
    String cookie = Pairing.register(client, email);
    String token = Pairing.pairDevice(client, cookie, "Old name");
    for (String type : List.of("history", "environment", "secret", "collection", "setting")) {
      assertEquals(200, client.put("/api/sync/data/" + type, token, new JsonObject()
          .put("encrypted_blob", Base64.getEncoder().encodeToString(new byte[3000])).put("nonce", "bm9uY2Vub25jZTEy")).status);
    }
    signIn(email, Pairing.passwordOf(email));
    wait.until(ExpectedConditions.textToBe(By.id("who"), email));
    wait.until(d -> d.findElements(By.cssSelector("#overview tbody tr")).size() == 5
        && !d.findElement(By.cssSelector("#overview tbody tr td:nth-child(5)")).getText().equals("—"));
    JavascriptExecutor js = (JavascriptExecutor) browser;
    assertEquals(1200L, js.executeScript("return window.outerWidth"), "the window the issue names");
    @SuppressWarnings("unchecked")
    Map<String, Object> fit = (Map<String, Object>) js.executeScript(
        "const t = document.getElementById('overview'), c = document.getElementById('overview-card');"
        + "const tr = t.getBoundingClientRect(), cr = c.getBoundingClientRect();"
        + "return {table: tr.right, card: cr.right, scroll: t.parentElement.scrollWidth, client: t.parentElement.clientWidth,"
        + " page: document.documentElement.scrollWidth, inner: document.documentElement.clientWidth};");
    assertTrue(((Number) fit.get("table")).doubleValue() <= ((Number) fit.get("card")).doubleValue(), "the table inside its card: " + fit);
    assertTrue(((Number) fit.get("scroll")).longValue() <= ((Number) fit.get("client")).longValue(), "no scrolling needed: " + fit);
    assertTrue(((Number) fit.get("page")).longValue() <= ((Number) fit.get("inner")).longValue(), "nothing wider than the page: " + fit);

    WebElement logo = browser.findElement(By.cssSelector("h1 img.logo"));
    assertTrue(logo.getAttribute("src").endsWith("/assets/logo.svg"), logo.getAttribute("src"));
    assertTrue(((Number) js.executeScript("return arguments[0].naturalWidth", logo)).intValue() > 0, "the logo loaded");
    String title = browser.findElement(By.tagName("h1")).getText();
    assertTrue(title.codePoints().allMatch(c -> c < 0x2000), "no emoji in the title: " + title);
    Chromium.shot(browser, "dashboard-1200");

    WebElement device = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#devices li[data-id]")));
    device.findElement(By.className("rename")).click(); // a prompt() here would fail the next command (an open alert)
    WebElement field = device.findElement(By.className("rename-field"));
    assertEquals("Old name", field.getAttribute("value"));
    field.sendKeys(Keys.ESCAPE);
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.className("rename-field")));
    assertEquals("Old name", device.findElement(By.className("name")).getText(), "Escape cancels");

    device.findElement(By.className("rename")).click();
    field = device.findElement(By.className("rename-field"));
    Chromium.shot(browser, "dashboard-rename");
    field.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Frank's desktop" + Keys.ENTER);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Device renamed."));
    wait.until(ExpectedConditions.textToBe(By.cssSelector("#devices li[data-id] .name"), "Frank's desktop"));
    Response devices = client.web(HttpMethod.GET, "/api/web/devices", cookie, base, null);
    assertEquals("Frank's desktop", devices.body.getJsonArray("data").getJsonObject(0).getString("name"), devices.toString());
  }

  // --- steps -----------------------------------------------------------------------------------

  static void signIn(String email, String password) {
    browser.get(base + "/login");
    visible("signin");
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.id("signin-submit")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));
  }

  static List<WebElement> rows() {
    return browser.findElements(By.cssSelector("#accounts tbody tr[data-id]"));
  }

  /** The admin page's row of {@code email}, once it shows. */
  static WebElement row(String email) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#accounts tbody tr[data-email='" + email + "']")));
  }

  static void visible(String id) {
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  static String adminCookie() {
    Response r = login(ADMIN);
    assertEquals(200, r.status, r.toString());
    String set = r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  static Response login(String email) {
    return client.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", Pairing.passwordOf(email)));
  }

  static long count(String sql) {
    try (Connection c = server.db().connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  static void clearDownloads() throws IOException {
    Files.createDirectories(DOWNLOADS);
    try (Stream<Path> files = Files.list(DOWNLOADS)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
  }

  /** The export the browser saved (waits up to 30 s for a finished flamingo-export-*.json). */
  static Path downloaded() throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try (Stream<Path> files = Files.list(DOWNLOADS)) {
        Path done = files.filter(f -> f.getFileName().toString().matches("flamingo-export-\\d{4}-\\d{2}-\\d{2}\\.json"))
            .findFirst().orElse(null);
        if (done != null && Files.size(done) > 0) {
          return done;
        }
      }
      Thread.sleep(100);
    }
    try (Stream<Path> files = Files.list(DOWNLOADS)) {
      throw new AssertionError("no export downloaded within 30 s; the directory holds " + files.toList());
    }
  }
}
