package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.TextReply;
import dev.flamingo.sync.common.bus.WireFormat;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes a service's answer to a request sent with {@link WireFormat#H_ACCEPT} = data: a {@code Buffer}
 * is the JSON of the envelope's data (status and HTTP headers from the reply headers), a {@code JsonObject}
 * is the reply of a service that does not know that form; both go through {@link Envelope}.
 */
public final class TextReplyWriter {
  private TextReplyWriter() {}

  public static void write(RoutingContext ctx, Message<?> reply) {
    Object body = reply.body();
    if (body instanceof Buffer buffer) {
      TextReply text = TextReply.received(reply.headers(), buffer);
      Envelope.data(ctx, text.status(), text.headers().entrySet(), text.body());
    } else if (body instanceof JsonObject json) {
      Envelope.reply(ctx, json);
    } else {
      Envelope.reply(ctx, new JsonObject().putNull("data"));
    }
  }
}
