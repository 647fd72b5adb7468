package dev.flamingo.sync.common.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * How a {@link ServiceException} crosses the bus, both ways, in one place.
 *
 * <p>The failure code is the HTTP status. The failure text is the client-facing message; when the
 * error carries data, the text is a JSON object {@code {"error": text, "data": {...}}}.
 */
public final class Failures {
  /** The text of a 503 when no instance of the service is there at all. */
  public static final String NO_SERVICE = "Service unavailable, try again shortly";

  private Failures() {}

  public static void fail(Message<?> message, ServiceException e) {
    if (e.data() == null) {
      message.fail(e.status(), e.getMessage());
    } else {
      message.fail(e.status(), new JsonObject().put("error", e.getMessage()).put("data", e.data()).encode());
    }
  }

  /** Turns any failure of a bus request into the error the client should see. */
  public static ServiceException fromThrowable(Throwable t) {
    if (t instanceof ServiceException se) {
      return se;
    }
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.NO_HANDLERS) {
        return new ServiceException(503, NO_SERVICE);
      }
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return new ServiceException(503, "Service did not answer in time, try again shortly");
      }
      int code = re.failureCode();
      String text = re.getMessage() == null ? "" : re.getMessage();
      if (code < 400 || code > 599) {
        return new ServiceException(500, "Internal server error");
      }
      if (text.startsWith("{\"error\"")) {
        try {
          JsonObject json = new JsonObject(text);
          return new ServiceException(code, json.getString("error"), json.getJsonObject("data"));
        } catch (RuntimeException ignored) {
          // fall through: treat it as plain text
        }
      }
      return new ServiceException(code, text);
    }
    return new ServiceException(500, "Internal server error");
  }
}
