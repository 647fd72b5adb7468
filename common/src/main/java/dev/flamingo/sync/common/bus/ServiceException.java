package dev.flamingo.sync.common.bus;

import io.vertx.core.json.JsonObject;

/**
 * The one error type of a service: an HTTP status, the text the client sees in {@code error}, and
 * optionally data for the envelope (e.g. the current version on a 409/412). It travels over the bus as
 * a failed reply whose failure code is the status; the gateway turns it into the JSON envelope.
 */
public class ServiceException extends RuntimeException {
  private final int status;
  private final JsonObject data;

  public ServiceException(int status, String message) {
    this(status, message, null);
  }

  public ServiceException(int status, String message, JsonObject data) {
    super(message, null, false, false);
    this.status = status;
    this.data = data;
  }

  public int status() {
    return status;
  }

  public JsonObject data() {
    return data;
  }

  public static ServiceException badRequest(String message) {
    return new ServiceException(400, message);
  }

  public static ServiceException notFound(String message) {
    return new ServiceException(404, message);
  }

  public static ServiceException unauthorized() {
    return new ServiceException(401, "Unauthorized");
  }
}
