package dev.flamingo.sync.gateway.routes;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS for the Bearer-token API, as the original server answered it: any origin, never credentials.
 * A preflight answers 204 with a one-day max age. Names and values are encoded once
 * ({@link HttpHeaders#createOptimized}): on every answer they are copied as bytes, not re-encoded.
 */
public final class Cors implements Handler<RoutingContext> {
  private static final CharSequence ALLOW_ORIGIN = HttpHeaders.createOptimized("Access-Control-Allow-Origin");
  private static final CharSequence ANY = HttpHeaders.createOptimized("*");
  private static final CharSequence ALLOW_METHODS = HttpHeaders.createOptimized("Access-Control-Allow-Methods");
  private static final CharSequence METHODS = HttpHeaders.createOptimized("GET, POST, PUT, PATCH, DELETE, OPTIONS");
  private static final CharSequence ALLOW_HEADERS = HttpHeaders.createOptimized("Access-Control-Allow-Headers");
  private static final CharSequence HEADERS =
      HttpHeaders.createOptimized("Content-Type, Authorization, If-Match, If-None-Match, X-Request-Id");
  private static final CharSequence EXPOSE_HEADERS = HttpHeaders.createOptimized("Access-Control-Expose-Headers");
  private static final CharSequence EXPOSED = HttpHeaders.createOptimized("ETag, Last-Modified, Retry-After, X-Request-Id");
  private static final CharSequence MAX_AGE = HttpHeaders.createOptimized("Access-Control-Max-Age");
  private static final CharSequence ONE_DAY = HttpHeaders.createOptimized("86400");

  @Override
  public void handle(RoutingContext ctx) {
    var headers = ctx.response().headers();
    headers.set(ALLOW_ORIGIN, ANY);
    headers.set(ALLOW_METHODS, METHODS);
    headers.set(ALLOW_HEADERS, HEADERS);
    headers.set(EXPOSE_HEADERS, EXPOSED);
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      headers.set(MAX_AGE, ONE_DAY);
      ctx.response().setStatusCode(204).end();
      return;
    }
    ctx.next();
  }
}
