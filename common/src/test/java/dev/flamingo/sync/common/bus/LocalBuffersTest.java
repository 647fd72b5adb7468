package dev.flamingo.sync.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A Buffer on the one JVM's local bus arrives as sent, not copied; anything else is left to Vert.x's codecs. */
class LocalBuffersTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aBufferArrivesAsTheSameInstanceBothWays() {
    Buffer reply = Buffer.buffer("{\"data\":1}");
    AtomicReference<Object> received = new AtomicReference<>();
    vertx.eventBus().consumer("local.buffers", m -> {
      received.set(m.body());
      m.reply(reply, LocalBuffers.use(vertx, new DeliveryOptions(), reply));
    });
    Buffer sent = Buffer.buffer("x".repeat(64));
    Object answered = vertx.eventBus().request("local.buffers", sent, LocalBuffers.use(vertx, new DeliveryOptions(), sent))
        .await().body();
    assertSame(sent, received.get(), "the request's body");
    assertSame(reply, answered, "the reply's body");
    // once registered, a second use (another sender) works as well
    assertSame(reply, vertx.eventBus().request("local.buffers", sent, LocalBuffers.use(vertx, new DeliveryOptions(), sent))
        .await().body());
  }

  @Test
  void otherBodiesKeepVertxsCodec() {
    DeliveryOptions options = LocalBuffers.use(vertx, new DeliveryOptions(), new JsonObject());
    assertEquals(null, options.getCodecName());
    JsonObject sent = new JsonObject().put("a", 1);
    AtomicReference<Object> received = new AtomicReference<>();
    vertx.eventBus().consumer("local.json", m -> {
      received.set(m.body());
      m.reply(null);
    });
    vertx.eventBus().request("local.json", sent, options).await();
    assertNotSame(sent, received.get(), "a JsonObject is still copied");
    assertEquals(sent, received.get());
  }
}
