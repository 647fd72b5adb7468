package dev.flamingo.sync.common.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * How a {@link ServiceException} crosses the bus, both ways, in one place.
 *
 * <p>The failure code is the HTTP status. The failure text is the client-facing message; when the
 * error carries data or a retry delay, the text is a JSON object {@code {"error": text, "data": {...},
 * "retry_after": seconds}} (each of the last two only when set).
 */
public final class Failures {
  /**
   * The text of a 503: no instance of the service is there at all, it cannot reach its database or the cluster,
   * or it is too busy to queue the request (its retry delay: {@link ServiceException#UNAVAILABLE_RETRY_SECONDS}).
   */
  public static final String NO_SERVICE = "Service unavailable, try again shortly";

  /**
   * The texts of the pool's exceptions when no connection came in its wait (Vert.x 5's SqlConnectionPool: "Timeout
   * waiting for connection", and "Timeout" when its queued request's own timer fires first; seen in bin/cluster-check).
   */
  static final java.util.Set<String> POOL_WAIT_TIMEOUTS = java.util.Set.of("Timeout waiting for connection", "Timeout");

  private Failures() {}

  /** The innermost cause of {@code t}, as text ("java.net.ConnectException: Connection refused"). */
  public static String rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.toString();
  }

  /**
   * Whether {@code t} (or a cause of it) says that the database could not be reached, rather than a fault of the
   * request or the code: its name did not resolve, the connection was refused or dropped, no connection came in the pool's
   * wait or the pool's wait queue was full (overload, refused at once), PostgreSQL is starting, stopping or out of
   * disk, memory or connections, or it aborted the transaction to be retried (deadlock, serialization failure); or
   * that the cluster is away under it (Hazelcast stopping on this node, a member leaving, a partition migrating).
   * Such a failure is a 503 (the client retries), not a 500.
   */
  public static boolean isUnavailable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof io.vertx.core.http.ConnectionPoolTooBusyException || isClusterAway(c)) {
        return true; // the pool's wait queue is full (FLAMINGO_DB_POOL_QUEUE), or Hazelcast is stopping or moving
      }
      // SocketException includes ConnectException ("Connection refused") and NoRouteToHostException
      if (c instanceof java.net.UnknownHostException || c instanceof java.net.SocketException
          || c instanceof java.nio.channels.ClosedChannelException || c instanceof io.vertx.sqlclient.ClosedConnectionException
          || c instanceof io.netty.channel.unix.Errors.NativeIoException) { // "Connection reset by peer" (epoll)
        return true;
      }
      if ((c instanceof io.vertx.core.VertxException || c instanceof io.vertx.core.impl.NoStackTraceThrowable)
          && c.getMessage() != null && POOL_WAIT_TIMEOUTS.contains(c.getMessage())) {
        return true; // every connection of the pool busy or failing for the pool's wait (Vert.x's own text)
      }
      if (c instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null) {
        String state = pg.getSqlState();
        // 08xxx connection exceptions; 57P01-57P03 shutting down, crashed, starting up; 53xxx insufficient
        // resources (53100 disk full, 53200 out of memory, 53300 too many connections); 40001 serialization
        // failure and 40P01 deadlock: PostgreSQL rolled the transaction back, and the same request may succeed
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
            || "40001".equals(state) || "40P01".equals(state)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Hazelcast's failures of a node that is leaving or of data that is moving: worth a retry, not a fault. */
  private static boolean isClusterAway(Throwable c) {
    return c instanceof com.hazelcast.core.HazelcastInstanceNotActiveException
        || c instanceof com.hazelcast.core.MemberLeftException
        || c instanceof com.hazelcast.core.OperationTimeoutException
        || c instanceof com.hazelcast.spi.exception.RetryableException;
  }

  /** A failed reply: the text alone, or {@code {"error", "data"?, "retry_after"?}} when there is more to carry. */
  public static void fail(Message<?> message, ServiceException e) {
    if (e.data() == null && e.retryAfterSeconds() == 0) {
      message.fail(e.status(), e.getMessage());
    } else {
      JsonObject text = new JsonObject().put("error", e.getMessage());
      if (e.data() != null) {
        text.put("data", e.data());
      }
      if (e.retryAfterSeconds() > 0) {
        text.put("retry_after", e.retryAfterSeconds());
      }
      message.fail(e.status(), text.encode());
    }
  }

  /**
   * Turns any failure of a bus request into the error the client should see: no handler, a timeout and an
   * unavailable peer are 503 with a retry delay; a service's failure keeps its status; anything else is a 500.
   */
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
          return new ServiceException(code, json.getString("error"), json.getJsonObject("data"),
              json.getLong("retry_after", 0L));
        } catch (RuntimeException ignored) {
          // fall through: treat it as plain text
        }
      }
      return new ServiceException(code, text); // a 503 without a delay gets the default one
    }
    if (isUnavailable(t)) {
      return new ServiceException(503, NO_SERVICE); // this side's own: the cluster or a connection away
    }
    return new ServiceException(500, "Internal server error");
  }
}
