package dev.flamingo.sync.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every route the gateway serves is in /api/openapi.json, and every documented operation is served. */
class OpenApiTest {
  @Test
  void documentAndRouterAgree() {
    Vertx vertx = Vertx.vertx();
    try {
      GatewayVerticle gateway = new GatewayVerticle();
      vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(new JsonObject().put(Settings.HTTP_PORT, 0))).await();
      Set<String> served = new TreeSet<>();
      for (Route route : gateway.router().getRoutes()) {
        if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
          continue; // cross-cutting handlers (context, CORS, body), not endpoints
        }
        String path = route.getPath().replaceAll(":([a-z_]+)", "{$1}");
        if (path.length() > 1 && path.endsWith("/")) {
          path = path + "{file}"; // a static prefix route ("/assets/*")
        }
        for (HttpMethod m : route.methods()) {
          served.add(m.name() + " " + path);
        }
      }
      ApiClient api = new ApiClient(vertx, gateway.actualPort());
      JsonObject doc = api.get("/api/openapi.json", null).body;
      api.close();
      assertEquals("3.0.3", doc.getString("openapi"));
      Set<String> documented = new TreeSet<>();
      doc.getJsonObject("paths").forEach(p -> ((JsonObject) p.getValue()).fieldNames()
          .forEach(method -> documented.add(method.toUpperCase() + " " + p.getKey())));
      assertEquals(documented, served);
    } finally {
      vertx.close().await();
    }
  }
}
