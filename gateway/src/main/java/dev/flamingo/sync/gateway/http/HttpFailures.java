package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure the router sees, answered with the envelope: never an HTML page or a stack trace. A 503 (the
 * request timeout, an unavailable cluster or peer) carries {@code Retry-After}; a 500 is left for faults of the code.
 */
public final class HttpFailures {
  private static final Logger LOG = LoggerFactory.getLogger(HttpFailures.class);

  private HttpFailures() {}

  public static void install(Router router) {
    router.route().failureHandler(HttpFailures::handle);
    router.errorHandler(404, ctx -> Envelope.error(ctx, 404, "Not found"));
    router.errorHandler(405, ctx -> Envelope.error(ctx, 405, "Method not allowed"));
  }

  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ServiceException se) {
      Envelope.error(ctx, se);
      return;
    }
    if (failure != null && Failures.isUnavailable(failure)) {
      Envelope.error(ctx, Failures.fromThrowable(failure)); // e.g. a cluster-wide limit while Hazelcast stops: 503
      return;
    }
    int status = ctx.statusCode();
    switch (status) {
      case 400 -> Envelope.error(ctx, 400, "Bad request");
      case 404 -> Envelope.error(ctx, 404, "Not found");
      case 405 -> Envelope.error(ctx, 405, "Method not allowed");
      case 413 -> Envelope.error(ctx, 413, "Request body too large");
      case 503 -> Envelope.error(ctx, new ServiceException(503, Failures.NO_SERVICE)); // with its Retry-After
      default -> {
        if (status >= 400 && status < 500) {
          Envelope.error(ctx, status, "Bad request");
        } else {
          LOG.error("Unhandled failure on {} {} (request {})", ctx.request().method(), ctx.request().path(),
              Contexts.get(ctx) == null ? "-" : Contexts.get(ctx).requestId(), failure);
          Envelope.error(ctx, 500, "Internal server error");
        }
      }
    }
  }
}
