package dev.flamingo.sync.gateway.bench;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.WireFormat;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.ops.Observability;
import dev.flamingo.sync.gateway.GatewayVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Base64;
import java.util.Random;

/**
 * The gateway's share of the blob hot path (not a test): two gateway instances and instant fake
 * data/auth consumers on the local bus, answering a 4 KiB blob GET/PUT either as a JsonObject (the old
 * form, {@code json}) or in the text form ({@code text}). Drive it with wrk and bench/mix.lua (any
 * token of the session form is accepted) and compare the process's CPU per request between the two.
 * Run with {@code java -cp <test classpath> dev.flamingo.sync.gateway.bench.GatewayHotPathBench text|json PORT}.
 */
public final class GatewayHotPathBench {
  private GatewayHotPathBench() {}

  public static void main(String[] args) {
    boolean text = "text".equals(args[0]);
    int port = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx(Observability.vertxOptions());
    byte[] raw = new byte[4096 + 16];
    new Random(1).nextBytes(raw);
    String blob = Base64.getEncoder().encodeToString(raw);
    JsonObject item = new JsonObject().put("type", "history").put("encrypted_blob", blob).put("nonce", "AAAAAAAAAAAAAAAA")
        .put("checksum", "bench").put("version", 3).put("updated_at", Instant.now().toString());
    Buffer data = item.toBuffer(); // the envelope's data: the gateway writes the envelope around it
    vertx.eventBus().consumer(Addresses.AUTH_SESSION_VALIDATE, m -> m.reply(new JsonObject().put("data", new JsonObject()
        .put("account_id", 7).put("session_id", "s7").put("device_id", "d7")
        .put("expires_at", Instant.now().plusSeconds(86_400).toString()))));
    vertx.eventBus().consumer(Addresses.EVENT_DEVICE_SEEN, m -> { });
    vertx.eventBus().consumer(Addresses.DATA_CONFIG_GET, m -> m.reply(new JsonObject().put("data",
        new JsonObject().put("sync_enabled", true).put("types", new JsonArray().add("history")))));
    vertx.eventBus().<Object>consumer(Addresses.DATA_BLOB_GET, m -> {
      if (text) {
        m.reply(data, new DeliveryOptions().addHeader(WireFormat.H_HEADER_PREFIX + "ETag", "\"3\""));
      } else {
        m.reply(new JsonObject().put("data", item.copy()).put("headers", new JsonObject().put("ETag", "\"3\"")));
      }
    });
    vertx.eventBus().<Object>consumer(Addresses.DATA_BLOB_PUT, m -> {
      if (m.body() instanceof Buffer b) {
        new JsonObject(b); // the service parses the upload once either way
        m.reply(Buffer.buffer("{\"version\":4}"),
            new DeliveryOptions().addHeader(WireFormat.H_HEADER_PREFIX + "ETag", "\"4\""));
      } else if (text) {
        m.reply(Buffer.buffer("{\"version\":4}"),
            new DeliveryOptions().addHeader(WireFormat.H_HEADER_PREFIX + "ETag", "\"4\""));
      } else {
        m.reply(new JsonObject().put("data", new JsonObject().put("version", 4))
            .put("headers", new JsonObject().put("ETag", "\"4\"")));
      }
    });
    JsonObject config = new JsonObject().put(Settings.HTTP_PORT, port).put(Settings.PUBLIC_URL, "http://localhost");
    vertx.deployVerticle(() -> new GatewayVerticle(), new DeploymentOptions().setConfig(config).setInstances(2)).await();
    System.out.println("gateway bench (" + args[0] + ") on port " + port);
  }
}
