package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.WireFormat;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a service's answer to a request sent with {@link WireFormat#H_ACCEPT} = text: a {@code Buffer}
 * is the finished HTTP body (status and HTTP headers from the reply headers), a {@code JsonObject} is the
 * reply of a service that does not know the text form and goes through the envelope as before.
 */
public final class TextReply {
  private TextReply() {}

  /** Whether a reply to a text-accepting request came back in the text form. */
  public static boolean isText(Message<?> reply) {
    return reply.body() instanceof Buffer;
  }

  public static void write(RoutingContext ctx, Message<?> reply) {
    Object body = reply.body();
    if (body instanceof Buffer buffer) {
      MultiMap headers = reply.headers();
      Envelope.text(ctx, status(headers), httpHeaders(headers), buffer);
    } else if (body instanceof JsonObject json) {
      Envelope.reply(ctx, json);
    } else {
      Envelope.reply(ctx, new JsonObject().putNull("data"));
    }
  }

  static int status(MultiMap headers) {
    String status = headers.get(WireFormat.H_STATUS);
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

  static List<Map.Entry<String, String>> httpHeaders(MultiMap headers) {
    List<Map.Entry<String, String>> out = new ArrayList<>(2);
    int prefix = WireFormat.H_HEADER_PREFIX.length();
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey();
      if (name.length() > prefix && name.regionMatches(true, 0, WireFormat.H_HEADER_PREFIX, 0, prefix)) {
        out.add(new SimpleImmutableEntry<>(name.substring(prefix), h.getValue()));
      }
    }
    return out;
  }
}
