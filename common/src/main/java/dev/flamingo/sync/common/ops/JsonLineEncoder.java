package dev.flamingo.sync.common.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * The log format of {@code FLAMINGO_LOG_FORMAT=JSON}: one JSON object a line, for log shippers:
 * <pre>{"timestamp":"2026-01-02T03:04:05.678Z","level":"INFO","logger":"flamingo.access","thread":"…",
 * "message":"GET /api/sync/data 200 3ms ip=… request_id=…","method":"GET","path":"/api/sync/data",
 * "status":200,"duration_ms":3,"ip":"…","request_id":"…"}</pre>
 * The timestamp is ISO-8601 in UTC (milliseconds); the event's key-value pairs (SLF4J's
 * {@code atInfo().addKeyValue(…)}) are fields of their own (never replacing the fields above); the MDC, when
 * there is one, is {@code mdc}; a throwable is {@code exception} (its stack trace as text).
 */
public class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
  private static final byte[] NONE = new byte[0];

  @Override
  public byte[] headerBytes() {
    return NONE;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return (line(event) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return NONE;
  }

  static String line(ILoggingEvent event) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("timestamp", ISO.format(event.getInstant()));
    fields.put("level", event.getLevel().toString());
    fields.put("logger", event.getLoggerName());
    fields.put("thread", event.getThreadName());
    fields.put("message", event.getFormattedMessage());
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        if (kv.key != null && !fields.containsKey(kv.key)) {
          fields.put(kv.key, value(kv.value));
        }
      }
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null && !mdc.isEmpty()) {
      fields.put("mdc", new JsonObject(new LinkedHashMap<>(mdc)));
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      fields.put("exception", ThrowableProxyUtil.asString(thrown));
    }
    return new JsonObject(fields).encode();
  }

  /** Numbers and booleans stay JSON numbers and booleans; anything else is its text. */
  private static Object value(Object value) {
    if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String) {
      return value;
    }
    return String.valueOf(value);
  }
}
