package dev.flamingo.sync.common.bus;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A successful reply in the text form of {@link WireFormat}: the JSON of the envelope's {@code data} (empty for
 * a 304), the HTTP status and the HTTP response headers. {@link ServiceConsumers} sends it
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

  /** True when the request asked for this form ({@link WireFormat#H_ACCEPT} = data, or text). */
  public static boolean accepted(MultiMap requestHeaders) {
    String accept = requestHeaders.get(WireFormat.H_ACCEPT);
    return WireFormat.DATA.equals(accept) || WireFormat.TEXT.equals(accept);
  }

  /**
   * This reply as the request asked: its data for {@link WireFormat#DATA}; the whole envelope for
   * {@link WireFormat#TEXT}, which only gateways of a release before {@code DATA} send (remove it once
   * {@code deploy/previous-release} names a release whose gateway sends {@code DATA}).
   */
  public TextReply as(MultiMap requestHeaders) {
    return WireFormat.TEXT.equals(requestHeaders.get(WireFormat.H_ACCEPT)) && body.length() > 0
        ? new TextReply(status, headers, envelope(body))
        : this;
  }

  /**
   * This reply in the JsonObject contract ({@link Reply}: data, status when not 200, headers) for a sender that
   * asked for no text form (the bus contract of {@code bus-contracts.json}); the data is parsed from the body.
   */
  public JsonObject toJson() {
    JsonObject reply = Reply.data(body.length() == 0 ? null : Json.decodeValue(body));
    if (status != 200) {
      Reply.withStatus(reply, status);
    }
    headers.forEach((name, value) -> Reply.withHeader(reply, name, value));
    return reply;
  }

  private static final ByteBuf SUCCESS_START = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
      "{\"success\":true,\"data\":".getBytes(StandardCharsets.US_ASCII)));
  private static final ByteBuf SUCCESS_END = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {'}'}));

  /**
   * The success envelope {@code {"success":true,"data":<data>}} around the JSON of its data: the one writer of
   * it for a reply whose data arrives encoded. The parts are joined, not copied: the data (a 4 KiB blob) is
   * written to the socket from the buffer it arrived in.
   */
  public static Buffer envelope(Buffer data) {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(SUCCESS_START.duplicate(),
        ((BufferInternal) data).getByteBuf(), SUCCESS_END.duplicate()));
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
