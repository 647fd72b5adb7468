package dev.flamingo.sync.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every route the gateway serves is in /api/openapi.json, and every documented operation is served. The document
 * writes each response, parameter and body schema once: a repeat goes to {@code components} and is referred to.
 */
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

  @Test
  void everyReferenceResolvesAndNothingIsWrittenTwice() throws IOException {
    JsonObject doc;
    try (InputStream in = GatewayVerticle.class.getResourceAsStream("/openapi.json")) {
      doc = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    List<String> problems = new ArrayList<>();
    Map<String, List<String>> inline = new TreeMap<>();
    Set<String> referred = new TreeSet<>();
    walk(doc, "", doc, problems, referred);
    doc.getJsonObject("paths").forEach(p -> ((JsonObject) p.getValue()).forEach(o -> {
      JsonObject op = (JsonObject) o.getValue();
      String where = o.getKey() + " " + p.getKey();
      op.getJsonObject("responses", new JsonObject()).forEach(r -> note(inline, r.getKey() + " response",
          (JsonObject) r.getValue(), where));
      op.getJsonArray("parameters", new JsonArray()).forEach(x -> note(inline, "parameter", (JsonObject) x, where));
      JsonObject body = op.getJsonObject("requestBody");
      if (body != null) {
        note(inline, "request body", body.getJsonObject("content").getJsonObject("application/json")
            .getJsonObject("schema"), where);
      }
    }));
    inline.forEach((what, where) -> {
      if (where.size() > 1) {
        problems.add("written " + where.size() + " times (move it to components): " + what + " in " + where);
      }
    });
    for (String kind : List.of("schemas", "responses", "parameters")) {
      for (String name : doc.getJsonObject("components").getJsonObject(kind, new JsonObject()).fieldNames()) {
        if (!referred.contains("#/components/" + kind + "/" + name)) {
          problems.add("#/components/" + kind + "/" + name + " is never referred to");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  /** Collects every $ref (and reports one that does not resolve). */
  private static void walk(Object node, String at, JsonObject doc, List<String> problems, Set<String> referred) {
    if (node instanceof JsonObject o) {
      String ref = o.getString("$ref");
      if (ref != null) {
        referred.add(ref);
        Object target = doc;
        for (String part : ref.replaceFirst("^#/", "").split("/")) {
          target = target instanceof JsonObject t ? t.getValue(part) : null;
        }
        if (!ref.startsWith("#/") || target == null) {
          problems.add(at + ": $ref " + ref + " does not resolve");
        }
      }
      o.forEach(e -> walk(e.getValue(), at + "/" + e.getKey(), doc, problems, referred));
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        walk(a.getValue(i), at + "/" + i, doc, problems, referred);
      }
    }
  }

  private static void note(Map<String, List<String>> inline, String what, JsonObject value, String where) {
    if (value != null && !value.containsKey("$ref")) {
      inline.computeIfAbsent(what + " " + canonical(value), k -> new ArrayList<>()).add(where);
    }
  }

  /** The JSON with its keys sorted, so that two equal objects written in another order compare equal. */
  private static String canonical(Object value) {
    if (value instanceof JsonObject o) {
      return o.fieldNames().stream().sorted().map(k -> "\"" + k + "\":" + canonical(o.getValue(k)))
          .collect(Collectors.joining(",", "{", "}"));
    }
    if (value instanceof JsonArray a) {
      return a.stream().map(OpenApiTest::canonical).collect(Collectors.joining(",", "[", "]"));
    }
    return value instanceof String str ? "\"" + str + "\"" : String.valueOf(value);
  }
}
