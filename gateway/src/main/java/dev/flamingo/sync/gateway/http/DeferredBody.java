package dev.flamingo.sync.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * First handler of a route whose (large) body must be read only after the caller is authenticated: it
 * pauses the request so nothing is buffered while the check runs (the BodyHandler after it resumes).
 * When the route answers without reading the body (401, 413, ...), the connection is closed after the
 * answer, so the unread upload is dropped rather than drained.
 */
public final class DeferredBody implements Handler<RoutingContext> {
  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    ctx.addHeadersEndHandler(v -> {
      if (!request.isEnded() && ctx.response().getStatusCode() >= 400) {
        ctx.response().putHeader("Connection", "close");
      }
    });
    ctx.next();
  }
}
