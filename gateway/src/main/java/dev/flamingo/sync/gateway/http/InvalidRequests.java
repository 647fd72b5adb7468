package dev.flamingo.sync.gateway.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Requests Netty could not decode (headers over the limit, a request line too long, garbage) never reach
 * the router: this answers them as Vert.x's default does (431, 414 or 400, then the connection closes),
 * but with the JSON envelope instead of an empty body.
 */
public final class InvalidRequests implements Handler<HttpServerRequest> {
  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    int status;
    String error;
    if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      error = "Request headers too large";
    } else if (cause instanceof TooLongHttpLineException) {
      status = 414;
      error = "Request line too long";
    } else {
      status = 400;
      error = "Bad request";
    }
    HttpServerResponse response = request.response();
    response.setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Connection", "close")
        .end(new JsonObject().put("success", false).put("error", error).toBuffer())
        .onComplete(ar -> request.connection().close());
  }
}
