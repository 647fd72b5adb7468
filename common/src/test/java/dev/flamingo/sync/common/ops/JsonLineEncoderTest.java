package dev.flamingo.sync.common.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** FLAMINGO_LOG_FORMAT=JSON: one object a line, an ISO-8601 UTC timestamp, key-value pairs as typed fields. */
class JsonLineEncoderTest {
  @Test
  void oneObjectPerLineWithTheKeyValuePairsAsFields() {
    LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    LoggingEvent event = new LoggingEvent("x", context.getLogger("flamingo.access"), Level.INFO,
        "GET {} \"quoted\"\nnext", new IllegalStateException("boom"), new Object[] {"/api/x"});
    event.setInstant(Instant.parse("2026-01-02T03:04:05.678Z"));
    event.addKeyValuePair(new KeyValuePair("status", 404));
    event.addKeyValuePair(new KeyValuePair("path", "/api/x"));
    event.addKeyValuePair(new KeyValuePair("level", "not replaced"));
    String text = new String(new JsonLineEncoder().encode(event), StandardCharsets.UTF_8);
    assertTrue(text.endsWith("\n"));
    assertFalse(text.substring(0, text.length() - 1).contains("\n"), "one line: " + text);
    JsonObject json = new JsonObject(text);
    assertEquals("2026-01-02T03:04:05.678Z", json.getString("timestamp"));
    assertEquals("INFO", json.getString("level"));
    assertEquals("flamingo.access", json.getString("logger"));
    assertEquals("GET /api/x \"quoted\"\nnext", json.getString("message"));
    assertEquals(404, json.getValue("status"));
    assertEquals("/api/x", json.getString("path"));
    assertTrue(json.getString("exception").contains("IllegalStateException: boom"));
  }
}
