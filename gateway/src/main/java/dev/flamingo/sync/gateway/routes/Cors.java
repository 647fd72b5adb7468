package dev.flamingo.sync.gateway.routes;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS for the Bearer-token API, as the original server answered it: any origin, never credentials.
 * A preflight answers 204 with a one-day max age.
 */
public final class Cors implements Handler<RoutingContext> {
  @Override
  public void handle(RoutingContext ctx) {
    var headers = ctx.response().headers();
    headers.set("Access-Control-Allow-Origin", "*");
    headers.set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    headers.set("Access-Control-Allow-Headers", "Content-Type, Authorization, If-Match, If-None-Match, X-Request-Id");
    headers.set("Access-Control-Expose-Headers", "ETag, Last-Modified, Retry-After, X-Request-Id");
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      headers.set("Access-Control-Max-Age", "86400");
      ctx.response().setStatusCode(204).end();
      return;
    }
    ctx.next();
  }
}
