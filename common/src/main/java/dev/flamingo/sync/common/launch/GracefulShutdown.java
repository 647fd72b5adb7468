package dev.flamingo.sync.common.launch;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM (and SIGINT): stop accepting, let in-flight requests finish (the gateway's HTTP server shuts
 * down gracefully), undeploy, leave the cluster, exit 0. A second signal, or 30 s, forces the exit.
 */
public final class GracefulShutdown {
  private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

  private GracefulShutdown() {}

  public static void install(Vertx vertx, String name) {
    Runnable stop = () -> {
      LOG.info("{} stopping: finishing in-flight requests, leaving the cluster", name);
      int code = 0;
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.info("{} stopped", name);
      } catch (Exception e) {
        LOG.warn("{} did not stop cleanly: {}", name, e.toString());
        code = 1;
      }
      Runtime.getRuntime().halt(code);
    };
    for (String signal : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(signal), s -> new Thread(stop, name + "-shutdown").start());
      } catch (IllegalArgumentException e) {
        LOG.debug("signal {} not available here", signal);
      }
    }
  }
}
