package dev.flamingo.sync.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A tool a test drives (Chromium, nginx, docker-compose) is required: when it is missing the test FAILS with
 * what to install. Only an explicit opt-out ({@code FLAMINGO_TEST_SKIP_<WHAT>=1}) turns that into a skip, and
 * then it says so loudly on stderr, so a skip is never silent. bin/test installs every such tool.
 */
public final class RequiredTool {
  private RequiredTool() {}

  /**
   * @param present whether the tool is there
   * @param skipEnv the opt-out variable, e.g. FLAMINGO_TEST_SKIP_BROWSER
   * @param what what is missing and what to install, one line
   */
  public static void require(boolean present, String skipEnv, String what) {
    if (present) {
      return;
    }
    if ("1".equals(System.getenv(skipEnv)) || "true".equalsIgnoreCase(System.getenv(skipEnv))) {
      String line = "SKIPPED ON PURPOSE (" + skipEnv + " is set): " + what;
      System.err.println("!!!!!!!! " + line + " !!!!!!!!");
      Assumptions.abort(line);
    }
    Assertions.fail(what + " (bin/test installs it; to leave these tests out on purpose set " + skipEnv + "=1)");
  }
}
