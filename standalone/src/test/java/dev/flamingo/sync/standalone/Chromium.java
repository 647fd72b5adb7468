package dev.flamingo.sync.standalone;

import dev.flamingo.sync.testing.RequiredTool;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven through chromedriver (never downloaded), a 1200 x 1000 window, the DevTools
 * network log on, downloads into a directory of the caller's; screenshots under {@code standalone/target/screenshots/}.
 */
final class Chromium {
  static final String BINARY = "/usr/bin/chromium";
  static final String DRIVER = "/usr/bin/chromedriver";
  static final Path SHOTS = Path.of("target", "screenshots");

  private Chromium() {
  }

  /** Fails (or skips with FLAMINGO_TEST_SKIP_BROWSER) when Chromium or chromedriver is missing. */
  static void require() {
    RequiredTool.require(new File(BINARY).canExecute() && new File(DRIVER).canExecute(), "FLAMINGO_TEST_SKIP_BROWSER",
        "the browser tests need " + BINARY + " and " + DRIVER + ": apt-get install chromium chromium-driver");
  }

  /** A new browser; files it downloads land in {@code downloads}. */
  static WebDriver start(Path downloads) throws IOException {
    return start(downloads, 1200);
  }

  /** A new browser with a window {@code width} px wide; files it downloads land in {@code downloads}. */
  static WebDriver start(Path downloads, int width) throws IOException {
    require();
    Files.createDirectories(SHOTS);
    Files.createDirectories(downloads);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
        "--window-size=" + width + ",1000");
    options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toAbsolutePath().toString(),
        "download.prompt_for_download", false));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL); // the DevTools network events: which cookies a request carried
    logs.enable(LogType.BROWSER, Level.ALL); // the console: a CSP violation shows there
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
        .usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  static void shot(WebDriver browser, String name) {
    try {
      byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
      Files.write(SHOTS.resolve(name + ".png"), png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
