package dev.flamingo.sync.common.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.flamingo.sync.common.config.Setting;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * FLAMINGO_LOG_FORMAT=JSON through the shipped logback.xml: one object a line, an ISO-8601 UTC timestamp, the
 * key-value pairs as typed fields of their own that never replace the fixed ones, the MDC as {@code mdc}.
 */
class JsonLogFormatTest {

  /** The encoder of the JSON appender, as logback.xml configures it with FLAMINGO_LOG_FORMAT=json. */
  @SuppressWarnings("unchecked")
  static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) throws Exception {
    context.setMDCAdapter(new LogbackMDCAdapter());
    String before = System.getProperty(Setting.LOG_FORMAT.key());
    System.setProperty(Setting.LOG_FORMAT.key(), "json");
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(JsonLogFormatTest.class.getResource("/logback.xml"));
    } finally {
      if (before == null) {
        System.clearProperty(Setting.LOG_FORMAT.key());
      } else {
        System.setProperty(Setting.LOG_FORMAT.key(), before);
      }
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    return ((OutputStreamAppender<ILoggingEvent>) root.getAppender("JSON")).getEncoder();
  }

  static JsonObject line(Encoder<ILoggingEvent> encoder, ILoggingEvent event) {
    String text = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertTrue(text.endsWith("\n"), text);
    assertFalse(text.substring(0, text.length() - 1).contains("\n"), "one line: " + text);
    return new JsonObject(text);
  }

  @Test
  void oneObjectPerLineWithTheKeyValuePairsAsFields() throws Exception {
    LoggerContext context = new LoggerContext();
    try {
      Encoder<ILoggingEvent> encoder = jsonEncoder(context);
      LoggingEvent event = new LoggingEvent("x", context.getLogger("flamingo.access"), Level.INFO,
          "GET {} \"quoted\"\nnext", new IllegalStateException("boom"), new Object[] {"/api/x"});
      event.setInstant(Instant.parse("2026-01-02T03:04:05.678Z"));
      event.addKeyValuePair(new KeyValuePair("status", 404));
      event.addKeyValuePair(new KeyValuePair("duration_ms", 3L));
      event.addKeyValuePair(new KeyValuePair("public_url_set", true));
      event.addKeyValuePair(new KeyValuePair("path", "/api/x"));
      event.addKeyValuePair(new KeyValuePair("level", "not replaced"));
      JsonObject json = line(encoder, event);
      assertEquals("2026-01-02T03:04:05.678Z", json.getString("timestamp"));
      assertEquals("INFO", json.getString("level"));
      assertEquals("flamingo.access", json.getString("logger"));
      assertEquals(Thread.currentThread().getName(), json.getString("thread"));
      assertEquals("GET /api/x \"quoted\"\nnext", json.getString("message"));
      assertEquals(404, json.getValue("status"));
      assertEquals(3, json.getValue("duration_ms"));
      assertEquals(true, json.getValue("public_url_set"));
      assertEquals("/api/x", json.getString("path"));
      assertTrue(json.getString("exception").contains("IllegalStateException: boom"), json.encode());
      assertNull(json.getValue("mdc"), "no mdc field without an MDC: " + json.encode());
    } finally {
      context.stop();
    }
  }

  @Test
  void theTimestampIsUtcWithMillisecondsAndTheMdcIsOneField() throws Exception {
    LoggerContext context = new LoggerContext();
    try {
      Encoder<ILoggingEvent> encoder = jsonEncoder(context);
      LoggingEvent event = new LoggingEvent("x", context.getLogger("flamingo.start"), Level.WARN, "m", null, null);
      event.setInstant(Instant.parse("2026-07-08T09:10:11Z"));
      event.setMDCPropertyMap(Map.of("k", "v"));
      JsonObject json = line(encoder, event);
      assertEquals("2026-07-08T09:10:11.000Z", json.getString("timestamp"));
      assertEquals("WARN", json.getString("level"));
      assertEquals(new JsonObject().put("k", "v"), json.getJsonObject("mdc"));
      assertNull(json.getValue("exception"));
    } finally {
      context.stop();
    }
  }
}
