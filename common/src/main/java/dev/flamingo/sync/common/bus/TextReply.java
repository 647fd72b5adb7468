package dev.flamingo.sync.common.bus;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A successful reply in the text form of {@link WireFormat}: the complete HTTP response body (UTF-8 JSON
 * envelope, empty for a 304), the HTTP status and the HTTP response headers. {@link ServiceConsumers} sends it
 * as a {@code Buffer} with the status in {@link WireFormat#H_STATUS} (absent for 200) and each header as
 * {@link WireFormat#H_HEADER_PREFIX} + name.
 */
public record TextReply(int status, Map<String, String> headers, Buffer body) {

  public static TextReply of(int status, Buffer body) {
    return new TextReply(status, new LinkedHashMap<>(), body);
  }

  public TextReply withHeader(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** True when the request asked for this form ({@link WireFormat#H_ACCEPT} = text). */
  public static boolean accepted(MultiMap requestHeaders) {
    return WireFormat.TEXT.equals(requestHeaders.get(WireFormat.H_ACCEPT));
  }

  /**
   * The reply a sender received in this form, read back from its bus headers: the status from
   * {@link WireFormat#H_STATUS} (200 when absent, 500 when it is no HTTP status) and the HTTP headers
   * from the prefixed ones. The inverse of {@link #deliveryOptions()}.
   */
  public static TextReply received(MultiMap replyHeaders, Buffer body) {
    TextReply reply = of(statusOf(replyHeaders.get(WireFormat.H_STATUS)), body);
    int prefix = WireFormat.H_HEADER_PREFIX.length();
    for (Map.Entry<String, String> h : replyHeaders) {
      String name = h.getKey();
      if (name.length() > prefix && name.regionMatches(true, 0, WireFormat.H_HEADER_PREFIX, 0, prefix)) {
        reply.withHeader(name.substring(prefix), h.getValue());
      }
    }
    return reply;
  }

  private static int statusOf(String status) {
    if (status == null) {
      return 200;
    }
    try {
      int code = Integer.parseInt(status.trim());
      return code >= 200 && code <= 599 ? code : 500;
    } catch (NumberFormatException e) {
      return 500;
    }
  }

  DeliveryOptions deliveryOptions() {
    DeliveryOptions options = new DeliveryOptions();
    if (status != 200) {
      options.addHeader(WireFormat.H_STATUS, Integer.toString(status));
    }
    headers.forEach((name, value) -> options.addHeader(WireFormat.H_HEADER_PREFIX + name, value));
    return options;
  }
}
