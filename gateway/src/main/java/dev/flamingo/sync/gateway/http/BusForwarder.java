package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Future;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

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

  private Future<JsonObject> requestRetrying(RequestContext context, String address, JsonObject body, int retries) {
    return request(context, address, body).recover(t -> {
      if (retries <= 0 || ((ServiceException) t).status() != 503) {
        return Future.failedFuture(t);
      }
      return vertx.timer(RETRY_DELAY_MS).compose(v -> requestRetrying(context, address, body, retries - 1));
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
   * Forwards and writes the envelope. A read (GET) that finds no service instance, or whose instance
   * died under it, is retried on another instance: reads are idempotent, writes are not retried.
   */
  public void forward(RoutingContext ctx, String address, JsonObject body) {
    boolean idempotent = ctx.request().method() == HttpMethod.GET;
    requestRetrying(Contexts.get(ctx), address, body, idempotent ? READ_RETRIES : 0).onComplete(ar -> {
      if (ar.succeeded()) {
        Envelope.reply(ctx, ar.result());
      } else {
        Envelope.error(ctx, Failures.fromThrowable(ar.cause()));
      }
    });
  }
}
