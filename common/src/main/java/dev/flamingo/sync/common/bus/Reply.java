package dev.flamingo.sync.common.bus;

import io.vertx.core.json.JsonObject;

/**
 * The body of a successful service reply. The gateway puts {@code data} and {@code message} into the
 * envelope {@code {success: true, data, message}}; {@code status} (default 200) and {@code headers}
 * (e.g. ETag) go onto the HTTP response.
 *
 * <pre>{ "data": any?, "message": string?, "status": int?, "headers": {name: value}? }</pre>
 */
public final class Reply {
  private Reply() {}

  public static JsonObject data(Object data) {
    return new JsonObject().put("data", data);
  }

  public static JsonObject message(String message) {
    return new JsonObject().putNull("data").put("message", message);
  }

  public static JsonObject withHeader(JsonObject reply, String name, String value) {
    JsonObject headers = reply.getJsonObject("headers");
    if (headers == null) {
      headers = new JsonObject();
      reply.put("headers", headers);
    }
    headers.put(name, value);
    return reply;
  }

  public static JsonObject withStatus(JsonObject reply, int status) {
    return reply.put("status", status);
  }
}
