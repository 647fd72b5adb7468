package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.LocalBuffers;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.bus.WireFormat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Supplier;

/** Sends a bus request with the caller's context and answers the HTTP request with the envelope. */
public final class BusForwarder {
  private final Vertx vertx;
  private final long timeoutMs;

  public BusForwarder(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  private static final int READ_RETRIES = 2;
  private static final long RETRY_DELAY_MS = 250;

  private <T> Future<T> retrying(Supplier<Future<T>> attempt, int retries) {
    return attempt.get().recover(t -> {
      if (retries <= 0 || ((ServiceException) t).status() != 503) {
        return Future.failedFuture(t);
      }
      return vertx.timer(RETRY_DELAY_MS).compose(v -> retrying(attempt, retries - 1));
    });
  }

  /** The service's reply body ({@code {data, message?, status?, headers?}}) or a ServiceException. */
  public Future<JsonObject> request(RequestContext context, String address, JsonObject body) {
    return vertx.eventBus()
        .<JsonObject>request(address, body == null ? new JsonObject() : body, context.toDeliveryOptions(timeoutMs))
        .map(Message::body)
        .recover(t -> Future.failedFuture(Failures.fromThrowable(t)));
  }

  /**
   * Sends with the request's context; on a reply, {@code onReply} answers the HTTP request with the reply
   * body, on a failure the error envelope is written here.
   */
  public void request(RoutingContext ctx, String address, JsonObject body, java.util.function.Consumer<JsonObject> onReply) {
    request(Contexts.get(ctx), address, body).onComplete(ar -> {
      if (ar.failed()) {
        Envelope.error(ctx, Failures.fromThrowable(ar.cause()));
      } else {
        onReply.accept(ar.result());
      }
    });
  }

  /**
   * Forwards and writes the envelope. A read (GET) that finds no service instance, or whose instance
   * died under it, is retried on another instance: reads are idempotent, writes are not retried.
   */
  public void forward(RoutingContext ctx, String address, JsonObject body) {
    forward(ctx, address, body, reply -> {});
  }

  /** As {@link #forward(RoutingContext, String, JsonObject)}; {@code onReply} sees a successful reply first. */
  public void forward(RoutingContext ctx, String address, JsonObject body,
      java.util.function.Consumer<JsonObject> onReply) {
    RequestContext context = Contexts.get(ctx);
    retrying(() -> request(context, address, body), retriesFor(ctx)).onComplete(ar -> {
      if (ar.succeeded()) {
        onReply.accept(ar.result());
      }
      Envelope.result(ctx, ar);
    });
  }

  /**
   * Forwards asking for the reply's data in the text form ({@link WireFormat#DATA}); {@code body} is a
   * JsonObject, or the raw request body (a Buffer) when {@code headers} say so. A JsonObject answer (a service
   * that does not know {@code DATA}) is taken too.
   */
  public void forwardText(RoutingContext ctx, String address, Object body, Map<String, String> headers) {
    RequestContext context = Contexts.get(ctx);
    retrying(() -> requestText(context, address, body, headers), retriesFor(ctx)).onComplete(ar -> {
      if (ar.succeeded()) {
        TextReplyWriter.write(ctx, ar.result());
      } else {
        Envelope.error(ctx, Failures.fromThrowable(ar.cause()));
      }
    });
  }

  private Future<Message<Object>> requestText(RequestContext context, String address, Object body,
      Map<String, String> headers) {
    DeliveryOptions options = context.toDeliveryOptions(timeoutMs).addHeader(WireFormat.H_ACCEPT, WireFormat.DATA);
    headers.forEach(options::addHeader);
    return vertx.eventBus().request(address, body, LocalBuffers.use(vertx, options, body))
        .recover(t -> Future.failedFuture(Failures.fromThrowable(t)));
  }

  private static int retriesFor(RoutingContext ctx) {
    return ctx.request().method() == HttpMethod.GET ? READ_RETRIES : 0;
  }
}
