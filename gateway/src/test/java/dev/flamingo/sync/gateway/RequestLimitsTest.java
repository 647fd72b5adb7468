package dev.flamingo.sync.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Limits before work: small bodies on the JSON routes, blob bodies read only after the Bearer check,
 * oversized headers answered with the envelope, idle connections closed. No service behind the gateway.
 */
class RequestLimitsTest {
  static final int WAIT_MS = 30_000; // a bound for eventual things, never a speed assertion

  static Vertx vertx;
  static ApiClient api;
  static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    GatewayVerticle gateway = new GatewayVerticle();
    JsonObject config = new JsonObject()
        .put(Settings.HTTP_PORT, 0)
        .put(Settings.PUBLIC_URL, "http://flamingo.test")
        .put(Settings.REQUEST_TIMEOUT_MS, 60_000) // longer than any wait here: no answer can be the timeout's
        .put(Settings.IDLE_TIMEOUT_SECONDS, 1)
        .put(Settings.BUS_TIMEOUT_MS, 2000);
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    port = gateway.actualPort();
    api = new ApiClient(vertx, port);
  }

  @AfterAll
  static void stop() {
    api.close();
    vertx.close().await();
  }

  @Test
  void unauthenticatedUploadIsRefusedBeforeItsBodyIsSent() throws IOException {
    int fiveMiB = 5 * 1024 * 1024;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(WAIT_MS);
      OutputStream out = socket.getOutputStream();
      // only the headers: the old gateway buffered the body first and could not answer before it came
      out.write(("PUT /api/sync/data/history HTTP/1.1\r\nHost: flamingo.test\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + fiveMiB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readUntilClosed(socket.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
      assertTrue(answer.contains("{\"success\":false,\"error\":\"Unauthorized\"}"), answer);
      assertTrue(answer.toLowerCase().contains("connection: close"), "the unread upload is dropped: " + answer);
    }
  }

  @Test
  void unauthenticatedUploadWithItsBodyStillGets401() {
    Buffer body = Buffer.buffer("{\"encrypted_blob\":\"" + "A".repeat(5 * 1024 * 1024) + "\",\"nonce\":\"x\"}");
    Response r = api.send(HttpMethod.PUT, "/api/sync/data/history", null, body, Map.of());
    assertEquals(401, r.status);
    assertEquals("Unauthorized", r.error());
  }

  @Test
  void jsonRoutesTakeSmallBodiesOnly() {
    String big = new JsonObject().put("device_name", "x".repeat(20 * 1024)).put("device_type", "desktop").encode();
    Response r = api.send(HttpMethod.POST, "/api/sync/init", null, Buffer.buffer(big), Map.of());
    assertEquals(413, r.status);
    assertFalse(r.body.getBoolean("success"));
    assertEquals("Request body too large", r.error());
    Response login = api.send(HttpMethod.POST, "/api/auth/login", null, Buffer.buffer(big),
        Map.of("Origin", "http://flamingo.test"));
    assertEquals(413, login.status);
    Response small = api.post("/api/sync/init", null, new JsonObject().put("device_name", "x").put("device_type", "desktop"));
    assertEquals(503, small.status, "a small body passes on to the (absent) service");
  }

  @Test
  void oversizedHeadersAre431WithTheEnvelope() {
    Response r = api.send(HttpMethod.GET, "/api/sync/config", null, null, Map.of("X-Padding", "p".repeat(40 * 1024)));
    assertEquals(431, r.status);
    assertEquals(false, r.body.getBoolean("success"));
    assertEquals("Request headers too large", r.error());
    assertTrue(r.header("Content-Type").startsWith("application/json"));
  }

  @Test
  void overlongRequestLineIs414WithTheEnvelope() {
    Response r = api.get("/api/sync/data?since=" + "9".repeat(8 * 1024), null);
    assertEquals(414, r.status);
    assertEquals("Request line too long", r.error());
  }

  @Test
  void idleConnectionIsClosed() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(WAIT_MS);
      try {
        assertEquals(-1, socket.getInputStream().read(), "the server closes a silent connection");
      } catch (SocketTimeoutException e) {
        throw new AssertionError("a silent connection was still open after " + WAIT_MS + " ms", e);
      }
    }
  }

  static String readUntilClosed(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    try {
      for (int n; (n = in.read(chunk)) != -1; ) {
        bytes.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no complete answer within " + WAIT_MS + " ms; got: " + bytes.toString(StandardCharsets.UTF_8), e);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
