package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The pages' tables at a 1280 px window (the dashboard's with a list of earlier versions of a type), measured in real
 * headless Chromium: no table is wider than its card (nor needs its scroll bar), no date cell wraps over more than
 * two lines, and the recent activity reads as words
 * (event labels, short IPv6 addresses), not as the server's internal names. Screenshots in target/screenshots.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PageLayoutBrowserTest {
  static final String ADMIN = "layout-admin@example.com";
  static final String OWNER = "layout-owner@example.com";

  /**
   * For the table {@code #id}: its right edge, its card's, its wrapper's scroll and client widths, and the most lines
   * any date cell (a column headed Time, When, Created, Last seen, Last updated or Expires) or device line takes
   * (the height of its text over its line height: a row made tall by another cell does not count).
   */
  static final String MEASURE = """
      const t = document.getElementById(arguments[0]);
      const card = t.closest('.card');
      const wrap = t.parentElement;
      const lines = (el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return Math.round(range.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight));
      };
      const dates = [];
      if (t.tagName === 'TABLE') {
        const heads = Array.from(t.querySelectorAll('thead th')).map((th) => th.textContent.trim());
        heads.forEach((h, i) => {
          if (/^(time|when|created|last seen|last updated|expires)$/i.test(h)) {
            t.querySelectorAll('tbody tr').forEach((r) => { if (r.cells.length === heads.length) dates.push(r.cells[i]); });
          }
        });
      } else {
        t.querySelectorAll('.meta').forEach((m) => dates.push(m));
      }
      const worst = dates.reduce((m, c) => Math.max(m, lines(c)), 0);
      const tr = t.getBoundingClientRect(), cr = card.getBoundingClientRect();
      return {table: tr.right, card: cr.right, tableWidth: tr.width, cardWidth: cr.width,
        scroll: wrap.scrollWidth, client: wrap.clientWidth, dateCells: dates.length, lines: worst,
        page: document.documentElement.scrollWidth, inner: document.documentElement.clientWidth};
      """;

  @RegisterExtension
  static final BrowserSession web = BrowserSession.with(new JsonObject()
          .put(Settings.RATE_LIMIT_LOGIN, "1000/60").put(Settings.RATE_LIMIT_REGISTER, "1000/60"))
      .downloads(Path.of("target", "downloads-layout")).width(1280).ignoringStale();

  @BeforeAll
  static void anAdmin() {
    Pairing.register(web.client(), ADMIN);
    web.server().grantAdmin(ADMIN);
  }

  @Test
  void theDashboardsTablesFitTheirCardsAndItsActivityReadsAsWords() {
    String cookie = Pairing.register(web.client(), OWNER);
    String laptop = Pairing.pairDevice(web.client(), cookie, "Owner's laptop with a long name");
    String desktop = Pairing.pairDevice(web.client(), cookie, "Owner's desktop with a long name too");
    RevisionsBrowserTest.put(web.client(), laptop, "collection", "the laptop's collections");
    RevisionsBrowserTest.put(web.client(), desktop, "collection", "the desktop's collections");
    web.browser().manage().deleteAllCookies();
    web.signIn(OWNER);
    web.until(ExpectedConditions.textToBe(By.id("who"), OWNER));
    web.until(d -> d.findElements(By.cssSelector("#audit tbody tr")).size() >= 3
        && !d.findElements(By.cssSelector("#devices li[data-id]")).isEmpty()
        && !d.findElements(By.cssSelector("#history-collection tbody tr")).isEmpty());
    assertEquals(1280L, ((JavascriptExecutor) web.browser()).executeScript("return window.outerWidth"));
    web.shot("layout-dashboard-1280");
    ((JavascriptExecutor) web.browser()).executeScript("document.getElementById('audit').scrollIntoView()");
    web.shot("layout-dashboard-activity-1280");
    ((JavascriptExecutor) web.browser()).executeScript("document.getElementById('history-card').scrollIntoView()");
    web.shot("layout-dashboard-history-1280");
    for (String table : List.of("overview", "audit", "devices", "history-collection")) {
      assertFits(table);
    }
    List<WebElement> rows = web.browser().findElements(By.cssSelector("#audit tbody tr"));
    for (WebElement row : rows) {
      String event = row.findElements(By.tagName("td")).get(0).getText();
      assertFalse(event.matches("[a-z_]+(\\.[a-z_]+)+"), "a label, not the raw event name: " + event);
      assertFalse(row.getText().contains("0:0:0:0"), "IPv6 addresses in their short form: " + row.getText());
    }
    assertTrue(rows.stream().anyMatch(r -> r.getText().contains("Signed in")), "the sign-in is labelled");
  }

  @Test
  void theAdminPagesTablesFitTheirCards() {
    web.browser().manage().deleteAllCookies();
    web.signIn(ADMIN);
    web.open("/admin");
    web.until(d -> d.findElements(By.cssSelector("#accounts tbody tr[data-id]")).size() >= 1
        && !d.findElement(By.id("fig-accounts")).getText().equals("…"));
    web.shot("layout-admin-1280");
    ((JavascriptExecutor) web.browser()).executeScript("document.getElementById('accounts').scrollIntoView()");
    web.shot("layout-admin-accounts-1280");
    for (String table : List.of("accounts", "invites", "admin-log")) {
      assertFits(table);
    }
    // the Server card holds its figures, no large empty area below them
    Number gap = (Number) ((JavascriptExecutor) web.browser()).executeScript(
        "const c = document.getElementById('figures').closest('.card');"
        + "return c.getBoundingClientRect().bottom - document.getElementById('figures').getBoundingClientRect().bottom;");
    assertTrue(gap.doubleValue() <= 48, "the Server card ends below its figures, " + gap + " px under them");
    assertEquals(List.of(), web.cspViolations(), "the admin page breaks none of its CSP");
  }

  static void assertFits(String id) {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) ((JavascriptExecutor) web.browser()).executeScript(MEASURE, id);
    assertTrue(number(m, "table") <= number(m, "card") + 0.5, id + " inside its card: " + m);
    assertTrue(number(m, "scroll") <= number(m, "client"), id + " needs no scroll bar: " + m);
    assertTrue(number(m, "page") <= number(m, "inner"), "nothing wider than the page: " + m);
    assertTrue(number(m, "lines") <= 2, id + ": no date over more than two lines: " + m);
  }

  static double number(Map<String, Object> m, String key) {
    return ((Number) m.get(key)).doubleValue();
  }
}
