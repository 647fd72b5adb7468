package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Against the one-box server: the client's flow (it sends {@code Content-Type: application/json} with every body)
 * works, and a blob upload or any other JSON route whose body is declared as something else is 415 with the
 * envelope; nothing is stored.
 */
class JsonContentTypeFlowTest {
  static final String PASSWORD = "correct horse battery staple 42";

  @Test
  void aBlobUploadOfAnotherTypeIs415AndNothingIsStored() throws Exception {
    try (OneBoxServer server = OneBoxServer.start(new JsonObject())) {
      Response reg = server.api().post("/api/auth/register", null,
          new JsonObject().put("email", "typed@example.org").put("password", PASSWORD));
      assertEquals(200, reg.status, reg.toString());
      String setCookie = reg.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      String token = Pairing.pairDevice(server.api(), cookie, PASSWORD, "laptop");
      JsonObject blob = StandaloneFlowTest.encrypt(new byte[32], "{}");

      for (String type : new String[] {"text/plain", "application/octet-stream", "application/x-www-form-urlencoded"}) {
        Response refused = server.api().send(HttpMethod.PUT, "/api/sync/data/history", token,
            Buffer.buffer(blob.encode()), Map.of("Content-Type", type));
        assertEquals(415, refused.status, refused.toString());
        assertEquals(false, refused.body.getBoolean("success"));
        assertEquals("Content-Type must be application/json", refused.error());
      }
      assertEquals(404, server.api().get("/api/sync/data/history", token).status, "nothing was stored");

      Response stored = server.api().send(HttpMethod.PUT, "/api/sync/data/history", token,
          Buffer.buffer(blob.encode()), Map.of("Content-Type", "application/json; charset=utf-8"));
      assertEquals(200, stored.status, stored.toString());
      assertEquals(200, server.api().get("/api/sync/data/history", token).status);
      // a body-less request needs no Content-Type
      assertEquals(200, server.api().delete("/api/sync/data/history", token).status);
    }
  }
}
