package dev.flamingo.sync.common.ops;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;

/**
 * FLAMINGO_LOG_FORMAT as logback's appender name: {@code JSON} for {@code json} in any case, else {@code TEXT}.
 * Read from a system property first, then the environment (logback starts before any settings file is read).
 * {@code Settings.validate()} refuses any other value in one line, so a typo never leaves the server silent.
 */
public final class LogFormat extends PropertyDefinerBase {

  @Override
  public String getPropertyValue() {
    return json() ? "JSON" : "TEXT";
  }

  /** Whether the logs are JSON lines. */
  public static boolean json() {
    return "json".equals(raw());
  }

  /** The value, trimmed and in lower case; empty when unset. */
  public static String raw() {
    String key = dev.flamingo.sync.common.config.Setting.LOG_FORMAT.key();
    String value = System.getProperty(key, System.getenv(key));
    return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
  }
}
