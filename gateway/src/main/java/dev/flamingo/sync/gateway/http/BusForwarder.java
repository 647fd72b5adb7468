package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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

  /** The service's reply body ({@code {data, message?, status?, headers?}}) or a ServiceException. */
  public Future<JsonObject> request(RequestContext context, String address, JsonObject body) {
    return vertx.eventBus()
        .<JsonObject>request(address, body == null ? new JsonObject() : body, context.toDeliveryOptions(timeoutMs))
        .map(Message::body)
        .recover(t -> Future.failedFuture(Failures.fromThrowable(t)));
  }

  /** Forwards and writes the envelope. */
  public void forward(RoutingContext ctx, String address, JsonObject body) {
    request(Contexts.get(ctx), address, body).onComplete(ar -> {
      if (ar.succeeded()) {
        Envelope.reply(ctx, ar.result());
      } else {
        Envelope.error(ctx, Failures.fromThrowable(ar.cause()));
      }
    });
  }
}
