package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * Writes every API answer as the contract's envelope {@code {success, data?, error?, message?}}.
 * The only place the gateway turns a service reply or an error into HTTP. The envelope is written as
 * one buffer (its constant parts pre-encoded, the content length set) in one {@code end}.
 */
public final class Envelope {
  private static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
  private static final CharSequence JSON_UTF8 = HttpHeaders.createOptimized("application/json; charset=utf-8");
  private static final CharSequence CACHE_CONTROL = HttpHeaders.CACHE_CONTROL;
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final byte[] OK_DATA = bytes("{\"success\":true,\"data\":");
  private static final byte[] MESSAGE = bytes(",\"message\":");
  private static final byte[] FAILED_ERROR = bytes("{\"success\":false,\"error\":");
  private static final byte[] DATA = bytes(",\"data\":");
  private static final byte[] END = bytes("}");

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
    Buffer body = Buffer.buffer(256).appendBytes(OK_DATA).appendBuffer(Json.encodeToBuffer(reply.getValue("data")));
    String message = reply.getString("message");
    if (message != null) {
      body.appendBytes(MESSAGE).appendBuffer(Json.encodeToBuffer(message));
    }
    write(response, body.appendBytes(END));
  }

  public static void ok(RoutingContext ctx, Object data) {
    reply(ctx, new JsonObject().put("data", data));
  }

  /**
   * A reply in the text form ({@link dev.flamingo.sync.common.bus.WireFormat}): {@code body} is the
   * complete envelope, {@code status} and {@code headers} (name, value pairs) go onto the response.
   */
  public static void text(RoutingContext ctx, int status, Iterable<java.util.Map.Entry<String, String>> headers,
      Buffer body) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    headers.forEach(h -> response.putHeader(h.getKey(), h.getValue()));
    response.setStatusCode(status);
    if (status == 304 || status == 204) {
      response.end();
      return;
    }
    write(response, body);
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
    Buffer body = Buffer.buffer(128).appendBytes(FAILED_ERROR).appendBuffer(Json.encodeToBuffer(error));
    if (data != null) {
      body.appendBytes(DATA).appendBuffer(data.toBuffer());
    }
    response.setStatusCode(status);
    write(response, body.appendBytes(END));
  }

  private static void write(HttpServerResponse response, Buffer body) {
    response.putHeader(CONTENT_TYPE, JSON_UTF8);
    response.putHeader(CACHE_CONTROL, NO_STORE);
    response.end(body);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
