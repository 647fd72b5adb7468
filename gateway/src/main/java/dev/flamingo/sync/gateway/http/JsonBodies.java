package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads a request body as a JSON object, or refuses it with 400. An empty body is an empty object. */
public final class JsonBodies {
  private JsonBodies() {}

  public static JsonObject object(RoutingContext ctx) {
    Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      return new JsonObject();
    }
    Object value;
    try {
      value = Json.decodeValue(buffer);
    } catch (DecodeException e) {
      throw new ServiceException(400, "Invalid JSON body");
    }
    if (!(value instanceof JsonObject json)) {
      throw new ServiceException(400, "Request body must be a JSON object");
    }
    return json;
  }
}
