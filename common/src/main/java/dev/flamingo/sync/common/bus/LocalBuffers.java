package dev.flamingo.sync.common.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.shareddata.LocalMap;

/**
 * A Buffer body handed over as it is on the local bus of the one-JVM server. Vert.x's own Buffer codec copies
 * the body on every local delivery (the 4 KiB of a blob PUT's request and of a GET's reply); the text-form bodies
 * sent here are never written to after they are sent, so the copy buys nothing. Only when the Vert.x instance is
 * not clustered: a cluster's nodes (of this release or another) keep Vert.x's codec, so nothing changes on the
 * wire.
 */
public final class LocalBuffers implements MessageCodec<Buffer, Buffer> {
  public static final String NAME = "flamingo.buffer.local";
  private static final String MAP = "flamingo.bus";
  private static final String KEY = "local-buffers";

  private LocalBuffers() {}

  /** {@code options} with this codec when {@code body} is a Buffer sent on a local (not clustered) bus. */
  public static DeliveryOptions use(Vertx vertx, DeliveryOptions options, Object body) {
    if (body instanceof Buffer && !vertx.isClustered()) {
      registerOnce(vertx);
      options.setCodecName(NAME);
    }
    return options;
  }

  private static void registerOnce(Vertx vertx) {
    LocalMap<String, Boolean> registered = vertx.sharedData().getLocalMap(MAP);
    if (registered.get(KEY) != null) {
      return;
    }
    synchronized (LocalBuffers.class) {
      if (registered.get(KEY) == null) {
        vertx.eventBus().registerCodec(new LocalBuffers());
        registered.put(KEY, true);
      }
    }
  }

  @Override
  public Buffer transform(Buffer buffer) {
    return buffer;
  }

  @Override
  public void encodeToWire(Buffer wire, Buffer buffer) {
    wire.appendInt(buffer.length()).appendBuffer(buffer);
  }

  @Override
  public Buffer decodeFromWire(int pos, Buffer wire) {
    int length = wire.getInt(pos);
    return wire.getBuffer(pos + 4, pos + 4 + length);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
