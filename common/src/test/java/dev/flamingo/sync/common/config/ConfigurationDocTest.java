package dev.flamingo.sync.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's table is {@link Setting#table()}: every declared setting is in it with its default, and
 * every row is a declared setting. After changing a setting, rewrite the table with
 * {@code mvn -o -q -pl common test -Dtest=ConfigurationDocTest -Dflamingo.docs.write=true}.
 */
class ConfigurationDocTest {
  static final Path DOC = Path.of("..", "docs", "configuration.md");
  static final String BEGIN = "<!-- settings table: generated from Setting.java by ConfigurationDocTest -->\n";
  static final String END = "<!-- end of settings table -->";

  @Test
  void theTableIsTheDeclaration() throws IOException {
    String doc = Files.readString(DOC);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertTrue(begin >= 0 && end > begin, DOC + " has no settings table between its markers");
    String table = doc.substring(begin + BEGIN.length(), end);
    if (Boolean.getBoolean("flamingo.docs.write")) {
      Files.writeString(DOC, doc.substring(0, begin + BEGIN.length()) + Setting.table() + doc.substring(end));
      return;
    }
    assertEquals(Setting.table(), table, DOC + "'s settings table differs from Setting.java; rewrite it with"
        + " -Dflamingo.docs.write=true (see this test's Javadoc)");
  }

  /** FLAMINGO_LOG_LEVEL is read by logback, not by Java: its name and default there are the declared ones. */
  @Test
  void logbackReadsTheDeclaredLogLevel() throws IOException {
    String logback = Files.readString(Path.of("src", "main", "resources", "logback.xml"));
    assertTrue(logback.contains("${" + Setting.LOG_LEVEL.key() + ":-" + Setting.LOG_LEVEL.defaultValue(null) + "}"),
        "logback.xml reads " + Setting.LOG_LEVEL.key() + " with the declared default");
  }
}
