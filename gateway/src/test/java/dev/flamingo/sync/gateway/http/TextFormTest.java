package dev.flamingo.sync.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.WireFormat;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.gateway.GatewayVerticle;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's side of the blob hot path's text form ({@link WireFormat}), against fake data-service
 * consumers on the bus: one that answers the envelope's data in the text form ({@link WireFormat#DATA}) and one
 * that answers a JsonObject (a data-service that does not know {@code DATA}). Uploads always travel as text: the
 * data-service of the previous release parses them.
 */
class TextFormTest {
  static final String TOKEN = Tokens.SESSION_PREFIX + "ab".repeat(64);
  static final String DATA = "{\"type\":\"history\",\"encrypted_blob\":\"QUJD\",\"version\":3}";
  static final String ENVELOPE = "{\"success\":true,\"data\":" + DATA + "}";

  static Vertx vertx;
  static ApiClient api;
  static final AtomicReference<Message<Object>> lastGet = new AtomicReference<>();
  static final AtomicReference<Message<Object>> lastPut = new AtomicReference<>();
  static final AtomicInteger putCalls = new AtomicInteger();
  static final AtomicInteger failNextGets = new AtomicInteger();
  static volatile boolean text;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    vertx.eventBus().consumer(Addresses.AUTH_SESSION_VALIDATE, m -> m.reply(new JsonObject().put("data", new JsonObject()
        .put("account_id", 7).put("session_id", "s7").put("device_id", "d7")
        .put("expires_at", Instant.now().plusSeconds(3600).toString()))));
    vertx.eventBus().<Object>consumer(Addresses.DATA_BLOB_GET, m -> {
      lastGet.set(m);
      if ("missing".equals(((JsonObject) m.body()).getString("type"))) {
        m.fail(404, "Not found");
      } else if (failNextGets.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        m.fail(503, "Service unavailable, try again shortly");
      } else if (!text) {
        m.reply(new JsonObject().put("data", new JsonObject().put("version", 3)).put("headers",
            new JsonObject().put("ETag", "\"3\"")));
      } else if ("\"3\"".equals(((JsonObject) m.body()).getString("if_none_match"))) {
        m.reply(Buffer.buffer(), new DeliveryOptions().addHeader(WireFormat.H_STATUS, "304")
            .addHeader(WireFormat.H_HEADER_PREFIX + "ETag", "\"3\""));
      } else {
        m.reply(Buffer.buffer(DATA), new DeliveryOptions().addHeader(WireFormat.H_HEADER_PREFIX + "ETag", "\"3\""));
      }
    });
    vertx.eventBus().<Object>consumer(Addresses.DATA_BLOB_PUT, m -> {
      lastPut.set(m);
      putCalls.incrementAndGet();
      if (text) {
        m.reply(Buffer.buffer("{\"version\":4}"), new DeliveryOptions()
            .addHeader(WireFormat.H_STATUS, "201").addHeader(WireFormat.H_HEADER_PREFIX + "ETag", "\"4\""));
      } else {
        m.reply(new JsonObject().put("data", new JsonObject().put("version", 4)).put("headers",
            new JsonObject().put("ETag", "\"4\"")));
      }
    });
    GatewayVerticle gateway = new GatewayVerticle();
    JsonObject config = new JsonObject()
        .put(Settings.HTTP_PORT, 0)
        .put(Settings.PUBLIC_URL, "http://flamingo.test")
        .put(Settings.MAX_BODY_BYTES, 64 * 1024)
        .put(Settings.BUS_TIMEOUT_MS, 5000);
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    api = new ApiClient(vertx, gateway.actualPort());
  }

  @AfterAll
  static void stop() {
    api.close();
    vertx.close().await();
  }

  @BeforeEach
  void reset() {
    lastGet.set(null);
    lastPut.set(null);
    putCalls.set(0);
    failNextGets.set(0);
  }

  @Test
  void aBlobGetAsksForTheDataAndWritesItInTheEnvelope() {
    text = true;
    Response r = api.get("/api/sync/data/history", TOKEN);
    assertEquals(200, r.status);
    assertEquals(ENVELOPE, r.raw.bodyAsString());
    assertEquals("\"3\"", r.header("ETag"));
    assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
    assertEquals("no-store", r.header("Cache-Control"));
    assertEquals(String.valueOf(ENVELOPE.length()), r.header("Content-Length"));
    MultiMap sent = lastGet.get().headers();
    assertEquals(WireFormat.DATA, sent.get(WireFormat.H_ACCEPT));
    assertEquals("7", sent.get("flamingo-account-id"));
    assertEquals("history", ((JsonObject) lastGet.get().body()).getString("type"));
  }

  @Test
  void aTextReplysStatusAndHeadersGoOntoTheResponse() {
    text = true;
    Response r = api.send(HttpMethod.GET, "/api/sync/data/history", TOKEN, null, Map.of("If-None-Match", "\"3\""));
    assertEquals(304, r.status);
    assertEquals("\"3\"", r.header("ETag"));
    assertTrue(r.raw.body() == null || r.raw.body().length() == 0);
  }

  @Test
  void anUploadTravelsAsItCame() {
    text = true;
    String raw = "{ \"encrypted_blob\" : \"QUJD\",\n \"nonce\":\"AAAA\" }";
    Response r = api.send(HttpMethod.PUT, "/api/sync/data/history", TOKEN, Buffer.buffer(raw),
        Map.of("If-Match", "\"3\"", "Content-Type", "application/json"));
    assertEquals(201, r.status);
    assertEquals("\"4\"", r.header("ETag"));
    assertEquals(4, r.data().getInteger("version"));
    Message<Object> put = lastPut.get();
    Buffer body = assertInstanceOf(Buffer.class, put.body());
    assertEquals(raw, body.toString());
    assertEquals(WireFormat.TEXT, put.headers().get(WireFormat.H_CONTENT));
    assertEquals(WireFormat.DATA, put.headers().get(WireFormat.H_ACCEPT));
    assertEquals("history", put.headers().get(WireFormat.H_ARG_PREFIX + "type"));
    assertEquals("\"3\"", put.headers().get(WireFormat.H_ARG_PREFIX + "if_match"));
    assertNull(put.headers().get(WireFormat.H_ARG_PREFIX + "if_none_match"));
  }

  @Test
  void aJsonReplyGoesThroughTheEnvelopeAndUploadsStillTravelAsText() {
    text = false;
    Response get = api.get("/api/sync/data/history", TOKEN);
    assertEquals(200, get.status);
    assertEquals("{\"success\":true,\"data\":{\"version\":3}}", get.raw.bodyAsString());
    assertEquals("\"3\"", get.header("ETag"));
    Response put = api.send(HttpMethod.PUT, "/api/sync/data/history", TOKEN,
        Buffer.buffer("{\"encrypted_blob\":\"QUJD\",\"nonce\":\"AAAA\"}"), Map.of("If-None-Match", "*"));
    assertEquals(200, put.status);
    assertEquals("{\"success\":true,\"data\":{\"version\":4}}", put.raw.bodyAsString());
    assertEquals("{\"encrypted_blob\":\"QUJD\",\"nonce\":\"AAAA\"}",
        assertInstanceOf(Buffer.class, lastPut.get().body()).toString());
    assertEquals(WireFormat.TEXT, lastPut.get().headers().get(WireFormat.H_CONTENT));
    assertEquals("*", lastPut.get().headers().get(WireFormat.H_ARG_PREFIX + "if_none_match"));
  }

  @Test
  void aTextGetIsRetriedWhenTheServiceIsUnavailable() {
    text = true;
    failNextGets.set(1);
    Response r = api.get("/api/sync/data/history", TOKEN);
    assertEquals(200, r.status);
    assertEquals(ENVELOPE, r.raw.bodyAsString());
  }

  @Test
  void anOversizedUploadIs413AfterTheBearerCheckAndNeverReachesTheService() {
    text = true;
    Buffer big = Buffer.buffer("{\"encrypted_blob\":\"" + "A".repeat(100 * 1024) + "\"}");
    Response r = api.send(HttpMethod.PUT, "/api/sync/data/history", TOKEN, big, Map.of());
    assertEquals(413, r.status);
    assertEquals("Request body too large", r.error());
    Response anonymous = api.send(HttpMethod.PUT, "/api/sync/data/history", null, big, Map.of());
    assertEquals(401, anonymous.status);
    assertEquals(0, putCalls.get());
  }

  @Test
  void serviceFailuresAreJsonErrorEnvelopes() {
    text = true;
    Response r = api.get("/api/sync/data/missing", TOKEN);
    assertEquals(404, r.status);
    assertEquals("{\"success\":false,\"error\":\"Not found\"}", r.raw.bodyAsString());
    assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
  }
}
