package dev.flamingo.sync.common.launch;

import io.vertx.core.Future;
import java.net.BindException;

/** A listen that fails on a port in use says which variable named the port (for a one-line start failure). */
public final class PortInUse {
  private PortInUse() {}

  public static <T> Future<T> named(Future<T> listen, String variable, String host, int port) {
    return listen.recover(t -> Future.failedFuture(inUse(t)
        ? new IllegalStateException(variable + "=" + port + ": the port is in use (something else listens on " + host
            + ":" + port + "); choose another port or stop that program")
        : t));
  }

  static boolean inUse(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BindException || (c.getMessage() != null && c.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }
}
