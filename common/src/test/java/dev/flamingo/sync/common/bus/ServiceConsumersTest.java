package dev.flamingo.sync.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstanceNotActiveException;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one wrapper every bus action goes through: versions, errors and context, in one place. */
class ServiceConsumersTest {
  final Vertx vertx = Vertx.vertx();
  final RequestContext ctx = RequestContext.anonymous("r1", "203.0.113.5", "ua").withAccount(42, "s", "d");

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void contextTravelsAndRepliesAreBodies() {
    new ServiceConsumers(vertx).on("t.echo", (body, c) -> Future.succeededFuture(Reply.data(new JsonObject()
        .put("account", c.accountId()).put("ip", c.clientIp()).put("request", c.requestId())))).ready().await();
    JsonObject reply = vertx.eventBus().<JsonObject>request("t.echo", new JsonObject(), ctx.toDeliveryOptions(2000))
        .await().body();
    assertEquals(new JsonObject().put("account", 42L).put("ip", "203.0.113.5").put("request", "r1"),
        reply.getJsonObject("data"));
  }

  @Test
  void serviceExceptionsKeepStatusTextAndData() {
    new ServiceConsumers(vertx).on("t.fail", (body, c) -> {
      throw new ServiceException(409, "Conflict here", new JsonObject().put("version", 3));
    }).ready().await();
    ReplyException e = assertThrows(ReplyException.class,
        () -> vertx.eventBus().request("t.fail", new JsonObject(), ctx.toDeliveryOptions(2000)).await());
    ServiceException se = Failures.fromThrowable(e);
    assertEquals(409, se.status());
    assertEquals("Conflict here", se.getMessage());
    assertEquals(3, se.data().getInteger("version"));
  }

  @Test
  void unexpectedErrorsAre500WithoutDetails() {
    new ServiceConsumers(vertx).on("t.bug", (body, c) -> {
      throw new IllegalStateException("secret internals");
    }).ready().await();
    ReplyException e = assertThrows(ReplyException.class,
        () -> vertx.eventBus().request("t.bug", new JsonObject(), ctx.toDeliveryOptions(2000)).await());
    assertEquals(500, e.failureCode());
    assertEquals("Internal server error", e.getMessage());
  }

  /**
   * The database away (its name, its port, its connection, PostgreSQL starting up), out of disk or memory, or a
   * transaction it aborted to be retried (deadlock, serialization failure) is a 503; other SQL errors stay 500.
   */
  @Test
  void anUnreachableDatabaseIs503AndOtherDatabaseErrorsAre500() {
    Map<String, Throwable> unavailable = new HashMap<>(Map.of(
        "t.db.name", new UnknownHostException("postgres: Name or service not known"),
        "t.db.refused", new VertxException(new ConnectException("Connection refused"), true),
        "t.db.closed", ClosedConnectionException.INSTANCE,
        "t.db.reset", new io.netty.channel.unix.Errors.NativeIoException("recvAddress(..)", -104),
        "t.db.starting", new PgException("the database system is starting up", "FATAL", "57P03", null),
        "t.db.lost", new PgException("connection failure", "FATAL", "08006", null),
        "t.db.disk", new PgException("could not extend file: No space left on device", "ERROR", "53100", null),
        "t.db.memory", new PgException("out of memory", "ERROR", "53200", null),
        "t.db.deadlock", new PgException("deadlock detected", "ERROR", "40P01", null),
        "t.db.serialization", new PgException("could not serialize access", "ERROR", "40001", null)));
    // the pool's queued request timing out (its own timer: "Timeout"): a 500 in bin/cluster-check before
    unavailable.put("t.db.wait", new NoStackTraceThrowable("Timeout"));
    // the pool's wait queue full (FLAMINGO_DB_POOL_QUEUE): refused at once, to be retried
    unavailable.put("t.db.queue", new ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 1"));
    // a cluster structure while a node stops (Hazelcast shutting down under the handler)
    unavailable.put("t.cluster.stopping", new HazelcastInstanceNotActiveException());
    ServiceConsumers consumers = new ServiceConsumers(vertx);
    unavailable.forEach((address, failure) -> consumers.on(address, (body, c) -> Future.failedFuture(failure)));
    consumers.on("t.db.unique", (body, c) -> Future.failedFuture(
        new PgException("duplicate key value", "ERROR", "23505", null)));
    consumers.ready().await();
    for (String address : unavailable.keySet()) {
      ReplyException e = assertThrows(ReplyException.class,
          () -> vertx.eventBus().request(address, new JsonObject(), ctx.toDeliveryOptions(2000)).await());
      assertEquals(503, e.failureCode(), address);
      ServiceException seen = Failures.fromThrowable(e);
      assertEquals(Failures.NO_SERVICE, seen.getMessage(), address);
      assertTrue(seen.retryAfterSeconds() > 0, address + ": a 503 says when to retry (Retry-After)");
    }
    ReplyException unique = assertThrows(ReplyException.class,
        () -> vertx.eventBus().request("t.db.unique", new JsonObject(), ctx.toDeliveryOptions(2000)).await());
    assertEquals(500, unique.failureCode());
    assertEquals("Internal server error", unique.getMessage());
  }

  @Test
  void otherContractVersionsAreRefusedClearly() {
    new ServiceConsumers(vertx).on("t.v", (body, c) -> Future.succeededFuture(Reply.data(null))).ready().await();
    DeliveryOptions v2 = ctx.toDeliveryOptions(2000);
    v2.getHeaders().set(RequestContext.H_CONTRACT, "2");
    ReplyException e = assertThrows(ReplyException.class,
        () -> vertx.eventBus().<Message<Object>>request("t.v", new JsonObject(), v2).await());
    assertEquals(400, e.failureCode());
    assertEquals("Unsupported contract version 2 for t.v", e.getMessage());
  }

  @Test
  void noHandlerIs503WithARetryDelay() {
    ReplyException e = assertThrows(ReplyException.class,
        () -> vertx.eventBus().request("t.nobody", new JsonObject(), ctx.toDeliveryOptions(2000)).await());
    assertEquals(503, Failures.fromThrowable(e).status());
    assertTrue(Failures.fromThrowable(e).retryAfterSeconds() > 0, "Retry-After");
  }

  /** A service that does not answer in time (a node stopping under the request) is a 503 with a retry delay. */
  @Test
  void aBusTimeoutIs503WithARetryDelay() {
    vertx.eventBus().consumer("t.silent", m -> { }).completion().await();
    ReplyException e = assertThrows(ReplyException.class,
        () -> vertx.eventBus().request("t.silent", new JsonObject(), ctx.toDeliveryOptions(50)).await());
    assertEquals(ReplyFailure.TIMEOUT, e.failureType());
    assertEquals(503, Failures.fromThrowable(e).status());
    assertTrue(Failures.fromThrowable(e).retryAfterSeconds() > 0, "Retry-After");
  }

  /**
   * Every 503 says when to retry, also one of a service that does not say it itself (a plain 503 of an older
   * release) and a failure of the sender's own side that means the cluster or database is away; other local
   * failures stay 500.
   */
  @Test
  void every503CarriesARetryDelayAndLocalFaultsStay500() {
    ServiceException plain = Failures.fromThrowable(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 503, "busy"));
    assertEquals("503 busy", plain.status() + " " + plain.getMessage());
    assertTrue(plain.retryAfterSeconds() > 0, "a plain 503 from a service gets the default delay");
    ServiceException said = Failures.fromThrowable(new ReplyException(
        ReplyFailure.RECIPIENT_FAILURE, 503, "{\"error\":\"busy\",\"retry_after\":7}"));
    assertEquals(7, said.retryAfterSeconds(), "the service's own delay is kept");
    assertEquals(3, new ServiceException(503, "x", null, 3).retryAfterSeconds());
    assertTrue(new ServiceException(503, "x").retryAfterSeconds() > 0, "a 503 made anywhere says when to retry");
    assertEquals(0, new ServiceException(409, "x").retryAfterSeconds());
    ServiceException cluster = Failures.fromThrowable(new HazelcastInstanceNotActiveException());
    assertEquals(503, cluster.status());
    assertTrue(cluster.retryAfterSeconds() > 0);
    assertEquals(503, Failures.fromThrowable(new VertxException(new ConnectException("Connection refused"), true))
        .status());
    assertEquals(500, Failures.fromThrowable(new IllegalStateException("a bug")).status());
  }

  @Test
  void aWireHandlerAnswersTextWithStatusAndHeadersOrAJsonObject() {
    new ServiceConsumers(vertx).onWire("t.wire", (message, c) -> TextReply.accepted(message.headers())
        ? Future.succeededFuture(TextReply.of(message.body() instanceof Buffer b && b.length() > 0 ? 200 : 304,
            Buffer.buffer(b(message) ? "{\"n\":" + c.accountId() + "}" : "")).withHeader("ETag", "\"7\""))
        : Future.succeededFuture(Reply.data(c.accountId()))).ready().await();
    DeliveryOptions data = ctx.toDeliveryOptions(2000).addHeader(WireFormat.H_ACCEPT, WireFormat.DATA);
    Message<Object> ok = vertx.eventBus().request("t.wire", Buffer.buffer("x"), data).await();
    assertEquals("{\"n\":42}", ((Buffer) ok.body()).toString(), "the data alone: the gateway writes the envelope");
    assertNull(ok.headers().get(WireFormat.H_STATUS));
    assertEquals("\"7\"", ok.headers().get(WireFormat.H_HEADER_PREFIX + "ETag"));
    Message<Object> notModified = vertx.eventBus().request("t.wire", Buffer.buffer(), data).await();
    assertEquals("304", notModified.headers().get(WireFormat.H_STATUS));
    assertEquals(0, ((Buffer) notModified.body()).length());
    // a gateway of the previous release asks for text: the whole envelope, as it writes the body as is
    DeliveryOptions text = ctx.toDeliveryOptions(2000).addHeader(WireFormat.H_ACCEPT, WireFormat.TEXT);
    Message<Object> whole = vertx.eventBus().request("t.wire", Buffer.buffer("x"), text).await();
    assertEquals("{\"success\":true,\"data\":{\"n\":42}}", ((Buffer) whole.body()).toString());
    assertEquals("\"7\"", whole.headers().get(WireFormat.H_HEADER_PREFIX + "ETag"));
    assertEquals(0, ((Buffer) vertx.eventBus().request("t.wire", Buffer.buffer(), text).await().body()).length());
    Message<Object> json = vertx.eventBus().request("t.wire", new JsonObject(), ctx.toDeliveryOptions(2000)).await();
    assertEquals(new JsonObject().put("data", 42L), json.body());
  }

  private static boolean b(Message<Object> message) {
    return message.body() instanceof Buffer b && b.length() > 0;
  }

  @Test
  void aWireHandlerFailsLikeAnyOther() {
    new ServiceConsumers(vertx)
        .onWire("t.wire.fail", (message, c) -> {
          throw new ServiceException(412, "Stale", new JsonObject().put("version", 3));
        })
        .onWire("t.wire.bug", (message, c) -> Future.failedFuture(new IllegalStateException("secret internals")))
        .ready().await();
    DeliveryOptions text = ctx.toDeliveryOptions(2000).addHeader(WireFormat.H_ACCEPT, WireFormat.TEXT);
    ServiceException se = Failures.fromThrowable(assertThrows(ReplyException.class,
        () -> vertx.eventBus().request("t.wire.fail", Buffer.buffer(), text).await()));
    assertEquals(412, se.status());
    assertEquals(3, se.data().getInteger("version"));
    ReplyException bug = assertThrows(ReplyException.class,
        () -> vertx.eventBus().request("t.wire.bug", Buffer.buffer(), text).await());
    assertEquals(500, bug.failureCode());
    assertEquals("Internal server error", bug.getMessage());
    DeliveryOptions v2 = ctx.toDeliveryOptions(2000);
    v2.getHeaders().set(RequestContext.H_CONTRACT, "2");
    ReplyException version = assertThrows(ReplyException.class,
        () -> vertx.eventBus().request("t.wire.bug", Buffer.buffer(), v2).await());
    assertEquals(400, version.failureCode());
  }

  /** A graceful stop: no new request is taken, the one in flight is still answered, then close completes. */
  @Test
  void closeTakesNoMoreRequestsAndWaitsForThoseInFlight() throws Exception {
    AtomicReference<Promise<JsonObject>> pending =
        new AtomicReference<>();
    ServiceConsumers consumers = new ServiceConsumers(vertx).on("t.slow", (body, c) -> {
      Promise<JsonObject> p = Promise.promise();
      pending.set(p);
      return p.future();
    });
    consumers.ready().await();
    Future<Message<Object>> inFlight = vertx.eventBus().request("t.slow", new JsonObject(), ctx.toDeliveryOptions(60_000));
    long deadline = System.currentTimeMillis() + 30_000;
    while (pending.get() == null && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1, consumers.inFlight());
    Future<Void> closed = consumers.close(60_000);
    ReplyException refused = null;
    while (refused == null && System.currentTimeMillis() < deadline) {
      try {
        vertx.eventBus().request("t.slow", new JsonObject(), ctx.toDeliveryOptions(2000)).await();
      } catch (ReplyException e) {
        refused = e;
      }
    }
    assertEquals(ReplyFailure.NO_HANDLERS, refused.failureType());
    assertEquals(false, closed.isComplete(), "close waits for the request in flight");
    pending.get().complete(Reply.data("done"));
    assertEquals("done", ((JsonObject) inFlight.await().body()).getString("data"));
    closed.await();
    assertEquals(0, consumers.inFlight());
  }
}
