package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A browser test class's one-box server and headless Chromium, as a JUnit 5 extension: register it with
 * {@code @RegisterExtension static final BrowserSession web = BrowserSession.with(extraSettings)...}. Before the
 * class's {@code @BeforeAll} methods it starts the server at {@code http://localhost:<free port>} (its public URL, one
 * gateway, plus the extra settings) and the browser, whose steps it waits for up to 30 s; it closes both after the
 * class. With {@link #freshCookiesOn} every test starts without cookies. The page steps the classes share are its
 * methods.
 */
final class BrowserSession implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private final JsonObject settings;
  private Path downloads = Path.of("target", "downloads");
  private int width = 1200;
  private boolean ignoreStale;
  private String freshPage;

  private OneBoxServer server;
  private ApiClient client;
  private String base;
  private WebDriver browser;
  private WebDriverWait wait;

  private BrowserSession(JsonObject settings) {
    this.settings = settings;
  }

  /** A session whose server runs with these settings besides the public URL and one gateway instance. */
  static BrowserSession with(JsonObject extraSettings) {
    return new BrowserSession(extraSettings);
  }

  /** Files the browser downloads land in {@code dir} (default {@code target/downloads}). */
  BrowserSession downloads(Path dir) {
    this.downloads = dir;
    return this;
  }

  /** A window {@code px} wide (default 1200). */
  BrowserSession width(int px) {
    this.width = px;
    return this;
  }

  /** The waits ignore an element gone stale (a table drawn anew) and look again. */
  BrowserSession ignoringStale() {
    this.ignoreStale = true;
    return this;
  }

  /** Before each test: opens {@code path} (a page of ours, so that the cookies are ours to delete), deletes them. */
  BrowserSession freshCookiesOn(String path) {
    this.freshPage = path;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Chromium.require();
    int port = TestCluster.freePort();
    // localhost: a secure context (passkeys), and a page on another localhost port is same-site but cross-origin
    base = "http://localhost:" + port;
    server = OneBoxServer.start(port, new JsonObject().put(Settings.PUBLIC_URL, base).put(Settings.GATEWAY_INSTANCES, 1)
        .mergeIn(settings));
    client = server.api();
    browser = Chromium.start(downloads, width);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    if (ignoreStale) {
      wait.ignoring(StaleElementReferenceException.class);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (freshPage != null) {
      browser.get(base + freshPage);
      browser.manage().deleteAllCookies();
    }
  }

  OneBoxServer server() {
    return server;
  }

  /** Speaks the API to the server, as the desktop app does. */
  ApiClient client() {
    return client;
  }

  /** {@code http://localhost:<port>}, the server's public URL. */
  String base() {
    return base;
  }

  WebDriver browser() {
    return browser;
  }

  // --- page steps ------------------------------------------------------------------------------

  /** Opens the server's page at {@code path}. */
  void open(String path) {
    browser.get(base + path);
  }

  /** Waits up to 30 s for {@code condition} to hold (or give a value other than null); what it gave. */
  <T> T until(Function<? super WebDriver, T> condition) {
    return wait.until(condition);
  }

  WebElement find(String id) {
    return browser.findElement(By.id(id));
  }

  /** Waits until the element {@code id} shows. */
  WebElement visible(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  String text(String id) {
    return find(id).getText();
  }

  /** A screenshot, {@code target/screenshots/<name>.png}. */
  void shot(String name) {
    Chromium.shot(browser, name);
  }

  /** On the sign-in form (waited for): types the e-mail and the password and clicks {@code button}. */
  void submitSignIn(String email, String password, String button) {
    visible("signin");
    find("email").sendKeys(email);
    find("password").sendKeys(password);
    find(button).click();
  }

  /** Opens /login, signs in (or, with {@code button} "register-submit", signs up) and waits for the dashboard. */
  void signIn(String email, String password, String button) {
    open("/login");
    submitSignIn(email, password, button);
    wait.until(ExpectedConditions.urlToBe(base + "/dashboard"));
  }

  /** Opens /login, signs in with the e-mail and password and waits for the dashboard. */
  void signIn(String email, String password) {
    signIn(email, password, "signin-submit");
  }

  /** Opens /login, signs in an account {@link Pairing#register} made and waits for the dashboard. */
  void signIn(String email) {
    signIn(email, Pairing.passwordOf(email));
  }

  /**
   * On the login page after this visit's sign-in and second step: Authorize asks no password again (the assertion's
   * message is {@code why}); shoots {@code authorizeShot}, authorizes, waits for /complete and shoots
   * {@code completeShot}.
   */
  void authorizeWithoutThePasswordAgain(String why, String authorizeShot, String completeShot) {
    visible("authorize");
    assertFalse(find("confirm").isDisplayed(), why);
    shot(authorizeShot);
    find("authorize-button").click();
    wait.until(ExpectedConditions.urlToBe(base + "/complete"));
    shot(completeShot);
  }

  /** What the browser's console said of a Content Security Policy since it was last read. */
  List<String> cspViolations() {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
        .filter(m -> m.contains("Content Security Policy")).toList();
  }

  // --- the device flow's steps, as the app takes them --------------------------------------------

  /** Starts the device flow for {@code deviceName}; its login URL. */
  String init(String deviceName) {
    Response r = client.post("/api/sync/init", null, new JsonObject().put("device_name", deviceName).put("device_type", "desktop"));
    assertEquals(200, r.status, r.toString());
    return r.data().getString("login_url");
  }

  static String tokenOf(String loginUrl) {
    return loginUrl.substring(loginUrl.indexOf("token=") + 6);
  }

  /** The session token the app gets once the login URL's request is authorized (polled for up to 30 s). */
  String pollToken(String loginUrl) throws InterruptedException {
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
}
