package dev.flamingo.sync.common.bus;

import io.vertx.core.json.JsonObject;

/**
 * The one error type of a service: an HTTP status, the text the client sees in {@code error}, and
 * optionally data for the envelope (e.g. the current version on a 409/412) and the seconds after which
 * to try again (the HTTP {@code Retry-After} of a 503 or 429). It travels over the bus as a failed reply
 * whose failure code is the status ({@link Failures}); the gateway turns it into the JSON envelope. Every 503
 * says when to try again: {@link #UNAVAILABLE_RETRY_SECONDS} when its maker does not say.
 */
public class ServiceException extends RuntimeException {
  /** The {@code Retry-After} of a 503 whose maker names no delay (no instance, a timeout, the database away). */
  public static final long UNAVAILABLE_RETRY_SECONDS = 1;

  private final int status;
  private final JsonObject data;
  private final long retryAfterSeconds;

  public ServiceException(int status, String message) {
    this(status, message, null);
  }

  public ServiceException(int status, String message, JsonObject data) {
    this(status, message, data, 0);
  }

  public ServiceException(int status, String message, JsonObject data, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.data = data;
    this.retryAfterSeconds = status == 503 && retryAfterSeconds <= 0 ? UNAVAILABLE_RETRY_SECONDS
        : Math.max(0, retryAfterSeconds);
  }

  /** The seconds the client should wait before trying again (HTTP {@code Retry-After}); 0 when not said. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
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

  /** 503 with {@code Retry-After}: the service is too busy right now. */
  public static ServiceException busy(String message, long retryAfterSeconds) {
    return new ServiceException(503, message, null, Math.max(1, retryAfterSeconds));
  }

  public static ServiceException unauthorized() {
    return new ServiceException(401, "Unauthorized");
  }
}
