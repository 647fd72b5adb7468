package dev.flamingo.sync.common.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the bus actions of a service. Every consumer gets the same treatment here, once: the
 * contract version is checked, a missing body is an empty object, a {@link ServiceException} becomes a
 * failed reply with its status, an unreachable database is a 503 with a retry delay ({@link Failures#isUnavailable}), and anything unexpected is logged and answered 500 without details.
 * A {@link WireHandler} (registered with {@link #onWire}) may also answer in the text form of
 * {@link WireFormat} ({@link TextReply}), with the same treatment of the contract version and failures; its
 * reply goes out in the form the request asked for (the data, the whole envelope, or the JsonObject contract).
 */
public final class ServiceConsumers {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceConsumers.class);

  private final Vertx vertx;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  public ServiceConsumers(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * A bus action that sees the whole message (body of any type, headers) and answers either a reply body
   * ({@code JsonObject}, see {@link Reply}) or a {@link TextReply}.
   */
  @FunctionalInterface
  public interface WireHandler {
    Future<?> handle(Message<Object> message, RequestContext context);
  }

  public ServiceConsumers on(String address, ServiceHandler handler) {
    return register(address, message -> {
      Object raw = message.body();
      JsonObject body = raw instanceof JsonObject json ? json : new JsonObject();
      return handler.handle(body, RequestContext.of(message));
    });
  }

  /** Registers an action that may answer in the text form (see {@link WireHandler}). */
  public ServiceConsumers onWire(String address, WireHandler handler) {
    return register(address, message -> handler.handle(message, RequestContext.of(message)));
  }

  private ServiceConsumers register(String address, Function<Message<Object>, Future<?>> handler) {
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address, message -> {
      String version = message.headers().get(RequestContext.H_CONTRACT);
      if (version != null && !RequestContext.CONTRACT_VERSION.equals(version)) {
        message.fail(400, "Unsupported contract version " + version + " for " + address);
        return;
      }
      Future<?> result;
      inFlight.incrementAndGet();
      try {
        result = handler.apply(message);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        inFlight.decrementAndGet();
        if (ar.succeeded()) {
          Object reply = ar.result();
          if (reply instanceof TextReply text && !TextReply.accepted(message.headers())) {
            message.reply(text.toJson()); // the JsonObject contract, for a sender that asked for no text form
          } else if (reply instanceof TextReply text) {
            TextReply asked = text.as(message.headers());
            message.reply(asked.body(), LocalBuffers.use(vertx, asked.deliveryOptions(), asked.body()));
          } else {
            message.reply(reply == null ? Reply.data(null) : reply);
          }
        } else if (ar.cause() instanceof ServiceException se) {
          Failures.fail(message, se);
        } else if (Failures.isUnavailable(ar.cause())) {
          // one line, no stack: the database (or cluster) is away or the pool's queue full, until it is back
          LOG.warn("{} failed: unavailable: {} (request {})", address, Failures.rootCause(ar.cause()),
              message.headers().get(RequestContext.H_REQUEST_ID));
          Failures.fail(message, new ServiceException(503, Failures.NO_SERVICE)); // with its Retry-After
        } else {
          LOG.error("{} failed (request {})", address, message.headers().get(RequestContext.H_REQUEST_ID), ar.cause());
          message.fail(500, "Internal server error");
        }
      });
    });
    consumers.add(consumer);
    return this;
  }

  /**
   * Stops taking requests: unregisters every consumer (the cluster routes new requests to other instances), then
   * waits up to {@code drainMs} until the requests already taken are answered. A verticle calls this first in
   * {@code stop()}, before it closes what its handlers use (the database pool), so that a graceful stop during
   * a rolling upgrade does not fail the requests in flight ("Pool closed").
   */
  public Future<Void> close(long drainMs) {
    List<Future<Void>> all = new ArrayList<>();
    for (MessageConsumer<?> c : consumers) {
      all.add(c.unregister());
    }
    long deadline = System.currentTimeMillis() + drainMs;
    return Future.join(all).transform(ar -> {
      io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
      awaitDrained(deadline, drained);
      return drained.future();
    });
  }

  /** Requests taken and not yet answered. */
  public int inFlight() {
    return inFlight.get();
  }

  private void awaitDrained(long deadline, io.vertx.core.Promise<Void> drained) {
    if (inFlight.get() <= 0) {
      drained.complete();
    } else if (System.currentTimeMillis() >= deadline) {
      LOG.warn("stopping with {} bus requests still in flight", inFlight.get());
      drained.complete();
    } else {
      vertx.setTimer(20, id -> awaitDrained(deadline, drained));
    }
  }

  /** Resolves once every consumer is registered across the cluster. */
  public Future<Void> ready() {
    List<Future<Void>> all = new ArrayList<>();
    for (MessageConsumer<?> c : consumers) {
      all.add(c.completion());
    }
    return Future.all(all).mapEmpty();
  }
}
