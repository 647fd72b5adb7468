package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes every API answer as the contract's envelope {@code {success, data?, error?, message?}}.
 * The only place the gateway turns a service reply or an error into HTTP.
 */
public final class Envelope {
  private Envelope() {}

  /** A service reply {@code {data, message?, status?, headers?}} as a success envelope. */
  public static void reply(RoutingContext ctx, JsonObject reply) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    JsonObject headers = reply.getJsonObject("headers");
    if (headers != null) {
      headers.forEach(h -> response.putHeader(h.getKey(), String.valueOf(h.getValue())));
    }
    int status = reply.getInteger("status", 200);
    response.setStatusCode(status);
    if (status == 304 || status == 204) {
      response.end();
      return;
    }
    JsonObject body = new JsonObject().put("success", true).put("data", reply.getValue("data"));
    if (reply.getString("message") != null) {
      body.put("message", reply.getString("message"));
    }
    write(response, body);
  }

  public static void ok(RoutingContext ctx, Object data) {
    reply(ctx, new JsonObject().put("data", data));
  }

  public static void error(RoutingContext ctx, ServiceException e) {
    error(ctx, e.status(), e.getMessage(), e.data());
  }

  public static void error(RoutingContext ctx, int status, String error) {
    error(ctx, status, error, null);
  }

  public static void error(RoutingContext ctx, int status, String error, JsonObject data) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    JsonObject body = new JsonObject().put("success", false).put("error", error);
    if (data != null) {
      body.put("data", data);
    }
    response.setStatusCode(status);
    write(response, body);
  }

  private static void write(HttpServerResponse response, JsonObject body) {
    response.putHeader("Content-Type", "application/json; charset=utf-8");
    response.putHeader("Cache-Control", "no-store");
    response.end(body.toBuffer());
  }
}
