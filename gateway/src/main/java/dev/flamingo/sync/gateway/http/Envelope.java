package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.bus.TextReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes every API answer as the contract's envelope {@code {success, data?, error?, message?}}.
 * The only place the gateway turns a service reply or an error into HTTP. The envelope is written as
 * one buffer in one {@code end} (the content length set), its constant headers pre-encoded.
 */
public final class Envelope {
  /** The context key of the error message an error envelope carried (for the fail2ban line's rule). */
  public static final String ERROR = "flamingo.envelope.error";
  private static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
  private static final CharSequence JSON_UTF8 = HttpHeaders.createOptimized("application/json; charset=utf-8");
  private static final CharSequence CACHE_CONTROL = HttpHeaders.CACHE_CONTROL;
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

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
    // encoded once, straight into the response's buffer: splicing pre-encoded parts around an encoded
    // 4 KiB value measured slower (one more copy of the value)
    JsonObject body = new JsonObject().put("success", true).put("data", reply.getValue("data"));
    if (reply.getString("message") != null) {
      body.put("message", reply.getString("message"));
    }
    write(response, body.toBuffer());
  }

  /** A service reply as {@link #reply}, or its failure as {@link #error(RoutingContext, ServiceException)}. */
  public static void result(RoutingContext ctx, AsyncResult<JsonObject> ar) {
    if (ar.succeeded()) {
      reply(ctx, ar.result());
    } else {
      error(ctx, Failures.fromThrowable(ar.cause()));
    }
  }

  public static void ok(RoutingContext ctx, Object data) {
    reply(ctx, new JsonObject().put("data", data));
  }

  /**
   * A reply in the text form ({@link dev.flamingo.sync.common.bus.WireFormat#DATA}): {@code data} is the JSON of
   * the envelope's data, written inside the success envelope (the same bytes as {@link TextReply#envelope}) in
   * one pooled direct buffer; {@code status} and {@code headers} (name, value pairs) go onto the response.
   */
  public static void data(RoutingContext ctx, int status, Iterable<Map.Entry<String, String>> headers,
      Buffer data) {
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
    response.putHeader(CONTENT_TYPE, JSON_UTF8);
    response.putHeader(CACHE_CONTROL, NO_STORE);
    // one pooled direct buffer, the envelope written around the data as it goes to the socket: a joined (composite)
    // heap buffer was merged into a new array and then copied again to direct memory on every write (8 % of the
    // mix's allocated bytes); Vert.x does not release a buffer it did not allocate, so it is released here once
    // written (or failed)
    ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(SUCCESS_START.length + data.length() + 1);
    out.writeBytes(SUCCESS_START).writeBytes(((BufferInternal) data).getByteBuf()).writeByte('}');
    try {
      response.end(BufferInternal.buffer(out)).onComplete(ar -> out.release());
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  private static final byte[] SUCCESS_START = "{\"success\":true,\"data\":".getBytes(StandardCharsets.US_ASCII);

  /** The error envelope of a service's failure, with its {@code Retry-After} when it says one. */
  public static void error(RoutingContext ctx, ServiceException e) {
    if (e.retryAfterSeconds() > 0 && !ctx.response().headWritten()) {
      ctx.response().putHeader("Retry-After", String.valueOf(e.retryAfterSeconds()));
    }
    error(ctx, e.status(), e.getMessage(), e.data());
  }

  public static void error(RoutingContext ctx, int status, String error) {
    error(ctx, status, error, null);
  }

  public static void error(RoutingContext ctx, int status, String error, JsonObject data) {
    ctx.put(ERROR, error);
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
    write(response, body.toBuffer());
  }

  private static void write(HttpServerResponse response, Buffer body) {
    response.putHeader(CONTENT_TYPE, JSON_UTF8);
    response.putHeader(CACHE_CONTROL, NO_STORE);
    response.end(body);
  }
}
