package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.WireFormat;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

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
      var text = dev.flamingo.sync.common.bus.TextReply.received(reply.headers(), buffer);
      Envelope.text(ctx, text.status(), text.headers().entrySet(), text.body());
    } else if (body instanceof JsonObject json) {
      Envelope.reply(ctx, json);
    } else {
      Envelope.reply(ctx, new JsonObject().putNull("data"));
    }
  }
}
