package dev.flamingo.sync.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A JSON route reads its body only when the request says it is JSON ({@code application/json}, parameters such as
 * charset allowed): any other body is 415 with the envelope, before it is parsed. A request without a body needs no
 * Content-Type. No service runs behind this gateway: a request that gets past the check is 503.
 */
class JsonContentTypeTest {
  static Vertx vertx;
  static WebClient web;
  static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    GatewayVerticle gateway = new GatewayVerticle();
    JsonObject config = new JsonObject().put(Settings.HTTP_HOST, "127.0.0.1").put(Settings.HTTP_PORT, 0)
        .put(Settings.PUBLIC_URL, "http://flamingo.test").put(Settings.BUS_TIMEOUT_MS, 2000);
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    port = gateway.actualPort();
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    web.close();
    vertx.close().await();
  }

  static HttpResponse<Buffer> send(HttpMethod method, String path, String contentType, String body) {
    HttpRequest<Buffer> request = web.request(method, port, "127.0.0.1", path);
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    return (body == null ? request.send() : request.sendBuffer(Buffer.buffer(body))).await();
  }

  static void assert415(HttpResponse<Buffer> r) {
    assertEquals(415, r.statusCode(), r.bodyAsString());
    JsonObject envelope = r.bodyAsJsonObject();
    assertEquals(false, envelope.getBoolean("success"));
    assertEquals("Content-Type must be application/json", envelope.getString("error"));
    assertEquals("application/json; charset=utf-8", r.getHeader("Content-Type"));
  }

  static final String INIT = "{\"device_name\":\"laptop\",\"device_type\":\"desktop\"}";

  @Test
  void aJsonBodyWithoutTheJsonTypeIs415() {
    assert415(send(HttpMethod.POST, "/api/sync/init", null, INIT));
    assert415(send(HttpMethod.POST, "/api/sync/init", "text/plain", INIT));
    assert415(send(HttpMethod.POST, "/api/sync/init", "application/x-www-form-urlencoded", "device_name=laptop"));
    assert415(send(HttpMethod.POST, "/api/sync/init", "multipart/form-data; boundary=x", INIT));
    assert415(send(HttpMethod.POST, "/api/sync/init", "application/jsonp", INIT));
    assert415(send(HttpMethod.POST, "/api/auth/login", "text/plain", "{\"email\":\"a@b.c\",\"password\":\"x\"}"));
    assert415(send(HttpMethod.PUT, "/api/sync/config", "text/plain", "{}"));
  }

  @Test
  void theJsonTypeWithParametersAndAnyCaseGetsThrough() {
    assertEquals(503, send(HttpMethod.POST, "/api/sync/init", "application/json", INIT).statusCode());
    assertEquals(503, send(HttpMethod.POST, "/api/sync/init", "application/json; charset=utf-8", INIT).statusCode());
    assertEquals(503, send(HttpMethod.POST, "/api/sync/init", "Application/JSON;charset=UTF-8", INIT).statusCode());
    assertEquals(503, send(HttpMethod.POST, "/api/sync/init", " application/json ", INIT).statusCode());
  }

  @Test
  void aRequestWithoutABodyNeedsNoType() {
    assertEquals(503, send(HttpMethod.POST, "/api/sync/init", null, null).statusCode());
    assertEquals(503, send(HttpMethod.POST, "/api/sync/init", null, "").statusCode());
    assertEquals(503, send(HttpMethod.POST, "/api/sync/init", "text/plain", "").statusCode(), "an empty body");
    assertEquals(200, send(HttpMethod.GET, "/api/server", null, null).statusCode());
  }
}
