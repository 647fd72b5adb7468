package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

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

  @RegisterExtension
  static final BrowserSession web = BrowserSession.with(new JsonObject()
          .put(Settings.RATE_LIMIT_LOGIN, "1000/60").put(Settings.RATE_LIMIT_REGISTER, "1000/60"))
      .downloads(DOWNLOADS).ignoringStale() // the tables are drawn anew after each action
      .freshCookiesOn("/complete");

  @BeforeAll
  static void anAdmin() {
    Pairing.register(web.client(), ADMIN);
    web.server().grantAdmin(ADMIN);
  }

  @AfterEach
  void signUpsOpenAgain() {
    Response r = web.client().web(HttpMethod.PUT, "/api/admin/signups", adminCookie(), web.base(), new JsonObject().put("mode", "open"));
    assertEquals(200, r.status, r.toString());
  }

  @Test
  void theAdminPageListsSearchesDisablesEnablesSetsAQuotaResetsAPasswordAndDeletes() throws Exception {
    String bobCookie = Pairing.register(web.client(), "bob@example.com");
    String bobToken = Pairing.pairDevice(web.client(), bobCookie, "Bob's laptop");
    Pairing.register(web.client(), "carol@example.com");

    web.signIn(ADMIN);
    WebElement adminLink = web.until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-link")));
    adminLink.click();
    web.until(ExpectedConditions.urlToBe(web.base() + "/admin"));
    WebElement bob = row("bob@example.com");
    assertEquals("1", bob.findElements(By.tagName("td")).get(3).getText(), "bob's one device");
    web.until(d -> !web.text("fig-accounts").equals("…"));
    assertEquals(String.valueOf(count("select count(*) from auth.accounts where deleting_at is null")), web.text("fig-accounts"));
    assertTrue(row(ADMIN).findElements(By.cssSelector("button.disable, button.delete, button.reset-password")).isEmpty(),
        "an admin's own row offers neither Disable, Reset password nor Delete");
    web.shot("admin");

    web.find("search").sendKeys("carol" + Keys.ENTER);
    web.until(d -> rows().size() == 1 && rows().get(0).getAttribute("data-email").equals("carol@example.com"));
    web.shot("admin-search");
    web.find("search").clear();
    web.find("search").sendKeys(Keys.ENTER);
    web.until(d -> rows().size() > 1);
    row("bob@example.com");

    row("bob@example.com").findElement(By.cssSelector("button.disable")).click();
    web.until(d -> row("bob@example.com").getText().contains("disabled"));
    DeviceFlowClusterTest.assertRejectedByEviction(web.client(), bobToken);
    Response refused = login("bob@example.com");
    assertEquals(403, refused.status, refused.toString());
    assertEquals("This account is disabled", refused.error());
    web.shot("admin-disabled");

    row("bob@example.com").findElement(By.cssSelector("button.enable")).click();
    web.until(d -> !row("bob@example.com").getText().contains("disabled"));
    assertEquals(200, login("bob@example.com").status, "enabled again: bob signs in");

    row("bob@example.com").findElement(By.cssSelector("button.quota")).click();
    WebElement quota = row("bob@example.com").findElement(By.className("quota-field"));
    quota.clear();
    quota.sendKeys("1MiB" + Keys.ENTER);
    web.until(d -> row("bob@example.com").findElement(By.className("usage")).getText().endsWith("/ 1.0 MiB"));
    assertEquals(1_048_576L, count("select max_bytes from data.account_quotas where account_id = "
        + row("bob@example.com").getAttribute("data-id")));

    // a reset gives the admin a one-time link, no password field: bob chooses the password on the link's page
    row("bob@example.com").findElement(By.cssSelector("button.reset-password")).click();
    assertTrue(row("bob@example.com").findElements(By.cssSelector("input[type=password]")).isEmpty(), "the admin types no password");
    web.shot("admin-reset-password");
    row("bob@example.com").findElement(By.cssSelector("button.confirm-reset")).click();
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Password reset for bob@example.com"));
    web.until(ExpectedConditions.visibilityOfElementLocated(By.id("reset-url")));
    String link = web.find("reset-url").getAttribute("value");
    assertTrue(link.startsWith(web.base() + "/reset?token=flm_reset_"), link);
    assertTrue(web.find("reset-copy").isDisplayed());
    assertEquals(401, login("bob@example.com").status, "the old password no longer signs in");
    String bobs = "correct horse battery staple 42";
    web.browser().get(link);
    WebElement first = web.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-password")));
    web.until(ExpectedConditions.urlToBe(web.base() + "/reset")); // the token leaves the address bar
    first.sendKeys(bobs);
    web.find("new-password-again").sendKeys("not the same one at all");
    web.find("reset-submit").click();
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reset-error"), "differ"));
    WebElement again = web.find("new-password-again");
    again.clear();
    again.sendKeys(bobs + Keys.ENTER);
    web.until(ExpectedConditions.visibilityOfElementLocated(By.id("done")));
    web.shot("reset-done");
    assertEquals(200, web.client().post("/api/auth/login", null, new JsonObject().put("email", "bob@example.com")
        .put("password", bobs)).status, "bob's own password signs in");
    web.browser().get(link);
    web.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-password"))).sendKeys(bobs);
    web.find("new-password-again").sendKeys(bobs + Keys.ENTER);
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("unusable-text"), "already used"));
    web.open("/admin");
    web.until(d -> row("carol@example.com") != null);

    row("carol@example.com").findElement(By.cssSelector("button.delete")).click();
    WebElement confirm = row("carol@example.com").findElement(By.cssSelector("button.confirm-delete"));
    web.shot("admin-delete-confirm");
    confirm.click();
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Account deleted: carol@example.com"));
    web.until(d -> rows().stream().noneMatch(r -> "carol@example.com".equals(r.getAttribute("data-email"))));
    assertEquals(401, login("carol@example.com").status, "carol's account is gone");
    assertEquals(0L, count("select count(*) from auth.accounts where email = 'carol@example.com'"));

    // the admin role, with the admin's own password typed again: granted, then revoked
    for (String done : List.of("bob@example.com is an admin now.", "bob@example.com is no longer an admin.")) {
      row("bob@example.com").findElement(By.cssSelector("button.role")).click();
      WebElement own = row("bob@example.com").findElement(By.className("own-password"));
      assertEquals("current-password", own.getAttribute("autocomplete"));
      own.sendKeys(Pairing.passwordOf(ADMIN) + Keys.ENTER);
      web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), done));
    }
    // the admin log: every action above, newest first, the deleted account's e-mail included
    web.until(d -> web.browser().findElements(By.cssSelector("#admin-log tbody tr[data-id]")).stream()
        .anyMatch(r -> r.getText().contains("account.deleted") && r.getText().contains("carol@example.com")));
    assertTrue(web.browser().findElements(By.cssSelector("#admin-log tbody tr[data-id]")).get(0).getText()
        .contains("account.admin_revoked"), "newest first");
    web.shot("admin-log");
  }

  @Test
  void invitesAdmitASignUpWhileSignUpsAreInviteOnly() {
    web.signIn(ADMIN);
    web.until(ExpectedConditions.urlToBe(web.base() + "/dashboard"));
    web.open("/admin");
    WebElement inviteOnly = web.until(ExpectedConditions.elementToBeClickable(By.cssSelector("input[name=mode][value=invite-only]")));
    web.until(d -> d.findElements(By.cssSelector("input[name=mode]:checked")).size() == 1);
    inviteOnly.click();
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Sign-ups are now invite-only."));
    assertEquals("invite-only", web.client().get("/api/auth/signups", null).data().getString("mode"), "the server's mode changed");

    web.find("invite-note").sendKeys("Dana");
    web.find("invite-create").click();
    WebElement url = web.until(ExpectedConditions.visibilityOfElementLocated(By.id("invite-url")));
    String link = url.getAttribute("value");
    assertTrue(link.startsWith(web.base() + "/login?invite=flm_inv_"), link);
    web.until(d -> d.findElements(By.cssSelector("#invites tbody tr[data-id]")).size() == 1);
    web.shot("admin-invite");

    web.find("signout").click();
    web.until(ExpectedConditions.urlToBe(web.base() + "/login"));
    web.visible("signup-hint");
    assertEquals("New accounts on this server need an invite link from its admin.", web.text("signup-hint"));
    assertFalse(web.find("register-submit").isDisplayed(), "no Create account without an invite");
    web.shot("login-invite-only");
    Response without = web.client().post("/api/auth/register", null, new JsonObject().put("email", "eve@example.com")
        .put("password", "eve's password"));
    assertEquals(403, without.status, without.toString());

    String token = link.substring(link.indexOf("invite=") + 7);
    assertTrue(web.client().get("/api/auth/signups?invite=" + token, null).data().getBoolean("invite_open"), "the invite is open");
    assertFalse(web.client().get("/api/auth/signups?invite=flm_inv_nonesuch", null).data().getBoolean("invite_open"));
    assertFalse(web.client().get("/api/auth/signups", null).data().containsKey("invite_open"), "only with an invite");
    web.open("/login?invite=flm_inv_nonesuch");
    web.visible("invite-ended");
    assertFalse(web.find("invite-hint").isDisplayed(), "a dead invite promises nothing");
    assertFalse(web.find("register-submit").isDisplayed(), "nor offers Create account");
    web.shot("login-invite-ended");
    web.browser().get(link);
    web.visible("invite-hint");
    assertFalse(web.find("invite-ended").isDisplayed());
    assertFalse(web.browser().findElement(By.tagName("footer")).isDisplayed(), "no dangling \"Account ·\" signed out");
    web.shot("login-invite");
    web.find("email").sendKeys("dana@example.com");
    web.find("password").sendKeys("dana's password");
    web.find("register-submit").click();
    web.until(ExpectedConditions.urlToBe(web.base() + "/dashboard"));
    web.until(ExpectedConditions.textToBe(By.id("who"), "dana@example.com"));
    assertFalse(web.find("admin-link").isDisplayed(), "dana is no admin");

    assertFalse(web.client().get("/api/auth/signups?invite=" + token, null).data().getBoolean("invite_open"), "used: no longer open");
    web.browser().manage().deleteAllCookies();
    web.browser().get(link);
    web.visible("invite-ended");
    Response again = web.client().post("/api/auth/register", null, new JsonObject().put("email", "mallory@example.com")
        .put("password", "mallory's password").put("invite", token));
    assertEquals(403, again.status, "an invite admits one sign-up: " + again);
    Response invites = web.client().web(HttpMethod.GET, "/api/admin/invites", adminCookie(), web.base(), null);
    assertEquals("used", invites.body.getJsonArray("data").getJsonObject(0).getString("status"), invites.toString());
  }

  @Test
  void aNonAdminSeesNoAdminLinkAndTheAdminPageSaysAdminsOnly() {
    Pairing.register(web.client(), "plain@example.com");
    web.signIn("plain@example.com");
    web.until(ExpectedConditions.textToBe(By.id("who"), "plain@example.com"));
    assertFalse(web.find("admin-link").isDisplayed());
    web.open("/admin");
    web.visible("forbidden");
    assertFalse(web.find("admin").isDisplayed(), "no admin section for a non-admin");
  }

  @Test
  void ownersExportTheirDataAndDeleteTheirAccountWithTheirPassword() throws Exception {
    String email = "erin@example.com";
    String cookie = Pairing.register(web.client(), email);
    String token = Pairing.pairDevice(web.client(), cookie, "Erin's laptop");
    String key = Base64.getEncoder().encodeToString(new byte[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7});
    assertEquals(200, web.client().put("/api/sync/key", token, new JsonObject().put("master_key", key)).status);
    String blob = Base64.getEncoder().encodeToString("erin's encrypted history".getBytes());
    assertEquals(200, web.client().put("/api/sync/data/history", token, new JsonObject().put("encrypted_blob", blob)
        .put("nonce", "bm9uY2Vub25jZTEy")).status);

    web.signIn(email);
    web.until(ExpectedConditions.textToBe(By.id("who"), email));
    clearDownloads();
    web.find("export").click();
    Path file = downloaded();
    JsonObject data = new JsonObject(Files.readString(file));
    assertFalse(data.containsKey("success"), "the file is the export itself, not the API envelope: " + data.fieldNames());
    assertEquals("flamingo-export/1", data.getString("format"));
    assertEquals(email, data.getJsonObject("account").getString("email"));
    assertEquals(blob, data.getJsonArray("data").getJsonObject(0).getString("encrypted_blob"));
    assertEquals("Erin's laptop", data.getJsonArray("devices").getJsonObject(0).getString("name"));
    assertFalse(Files.readString(file).contains(key), "never the key");

    web.find("delete-password").sendKeys("not my password");
    web.find("delete-confirm").click();
    web.find("delete-account").click();
    WebElement error = web.until(ExpectedConditions.visibilityOfElementLocated(By.id("delete-error")));
    assertEquals("The password is wrong", error.getText());
    web.shot("dashboard-delete-wrong-password");
    assertEquals(200, web.client().get("/api/sync/config", token).status, "a wrong password deletes nothing");

    web.find("delete-password").sendKeys(Pairing.passwordOf(email));
    web.find("delete-account").click();
    web.until(ExpectedConditions.urlToBe(web.base() + "/login?deleted=1"));
    web.until(ExpectedConditions.textToBe(By.id("notice"), "Your account was deleted."));
    web.shot("account-deleted");
    DeviceFlowClusterTest.assertRejectedByEviction(web.client(), token);
    assertEquals(401, login(email).status);
    assertEquals(0L, count("select count(*) from data.blobs b where b.account_id not in (select id from auth.accounts)"),
        "no blob outlives its account");
  }

  /** The dashboard's overview rows and sync switches come from GET /api/server's data_types; a switch saves. */
  @Test
  void theDashboardListsTheServersDataTypesAndASwitchSaves() {
    String email = "grace@example.com";
    String cookie = Pairing.register(web.client(), email);
    String token = Pairing.pairDevice(web.client(), cookie, "Grace's laptop");
    web.signIn(email);
    web.until(ExpectedConditions.textToBe(By.id("who"), email));
    web.until(d -> d.findElements(By.cssSelector("#settings input")).size() == DataType.ALL.size()
        && d.findElements(By.cssSelector("#overview tbody tr")).size() == DataType.ALL.size());
    List<WebElement> boxes = web.browser().findElements(By.cssSelector("#settings input"));
    List<WebElement> rows = web.browser().findElements(By.cssSelector("#overview tbody tr"));
    for (int i = 0; i < DataType.ALL.size(); i++) {
      DataType type = DataType.ALL.get(i);
      assertEquals(type.configKey(), boxes.get(i).getAttribute("name"));
      assertEquals(type.label(), boxes.get(i).findElement(By.xpath("..")).getText().trim());
      assertEquals(type.wireName(), rows.get(i).getAttribute("data-type"));
      assertEquals(type.label(), rows.get(i).findElement(By.tagName("td")).getText());
    }
    web.until(d -> d.findElements(By.cssSelector("#settings input")).stream().allMatch(WebElement::isSelected));
    web.browser().findElement(By.cssSelector("#settings input[name='" + DataType.SECRET.configKey() + "']")).click();
    web.until(ExpectedConditions.textToBe(By.id("notice"), "Sync settings saved."));
    JsonObject config = web.client().get("/api/sync/config", token).body.getJsonObject("data");
    for (DataType type : DataType.ALL) {
      assertEquals(type != DataType.SECRET, config.getBoolean(type.configKey()), config.encode());
    }
  }

  @Test
  void theDashboardFitsA1200PxWindowShowsTheSvgLogoAndRenamesInPlace() {
    String email = "frank@example.com";
    String cookie = Pairing.register(web.client(), email);
    String token = Pairing.pairDevice(web.client(), cookie, "Old name");
    for (String type : List.of("history", "environment", "secret", "collection", "setting")) {
      assertEquals(200, web.client().put("/api/sync/data/" + type, token, new JsonObject()
          .put("encrypted_blob", Base64.getEncoder().encodeToString(new byte[3000])).put("nonce", "bm9uY2Vub25jZTEy")).status);
    }
    web.signIn(email);
    web.until(ExpectedConditions.textToBe(By.id("who"), email));
    web.until(d -> d.findElements(By.cssSelector("#overview tbody tr")).size() == 5
        && !d.findElement(By.cssSelector("#overview tbody tr td:nth-child(5)")).getText().equals("—"));
    JavascriptExecutor js = (JavascriptExecutor) web.browser();
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

    WebElement logo = web.browser().findElement(By.cssSelector("h1 img.logo"));
    assertTrue(logo.getAttribute("src").endsWith("/assets/logo.svg"), logo.getAttribute("src"));
    assertTrue(((Number) js.executeScript("return arguments[0].naturalWidth", logo)).intValue() > 0, "the logo loaded");
    String title = web.browser().findElement(By.tagName("h1")).getText();
    assertTrue(title.codePoints().allMatch(c -> c < 0x2000), "no emoji in the title: " + title);
    web.shot("dashboard-1200");

    WebElement device = web.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#devices li[data-id]")));
    device.findElement(By.className("rename")).click(); // a prompt() here would fail the next command (an open alert)
    WebElement field = device.findElement(By.className("rename-field"));
    assertEquals("Old name", field.getAttribute("value"));
    field.sendKeys(Keys.ESCAPE);
    web.until(ExpectedConditions.invisibilityOfElementLocated(By.className("rename-field")));
    assertEquals("Old name", device.findElement(By.className("name")).getText(), "Escape cancels");

    device.findElement(By.className("rename")).click();
    field = device.findElement(By.className("rename-field"));
    web.shot("dashboard-rename");
    field.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Frank's desktop" + Keys.ENTER);
    web.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Device renamed."));
    web.until(ExpectedConditions.textToBe(By.cssSelector("#devices li[data-id] .name"), "Frank's desktop"));
    Response devices = web.client().web(HttpMethod.GET, "/api/web/devices", cookie, web.base(), null);
    assertEquals("Frank's desktop", devices.body.getJsonArray("data").getJsonObject(0).getString("name"), devices.toString());
  }

  // --- steps -----------------------------------------------------------------------------------

  static List<WebElement> rows() {
    return web.browser().findElements(By.cssSelector("#accounts tbody tr[data-id]"));
  }

  /** The admin page's row of {@code email}, once it shows. */
  static WebElement row(String email) {
    return web.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#accounts tbody tr[data-email='" + email + "']")));
  }

  static String adminCookie() {
    Response r = login(ADMIN);
    assertEquals(200, r.status, r.toString());
    String set = r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  static Response login(String email) {
    return web.client().post("/api/auth/login", null, new JsonObject().put("email", email).put("password", Pairing.passwordOf(email)));
  }

  static long count(String sql) {
    try (Connection c = web.server().db().connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
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
