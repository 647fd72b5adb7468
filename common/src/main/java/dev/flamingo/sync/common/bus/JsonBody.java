package dev.flamingo.sync.common.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * A client's JSON request body, read the one way every hop reads it (the gateway, or data-service when
 * the body travels as text): empty is an empty object, else a JSON object or 400 with the contract's texts.
 */
public final class JsonBody {
  private JsonBody() {}

  public static JsonObject object(Buffer buffer) {
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
