package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every admin route refuses a cross-site request carrying a valid admin login cookie: 403 with the envelope, before
 * anything is done. The routes come from /api/openapi.json (kept equal to the router by OpenApiTest), so a new
 * admin route is covered without touching this test.
 */
class AdminCrossOriginTest {
  static final String ADMIN = "root@example.com";
  static final String ORIGIN = "http://flamingo.test";
  static final String EVIL = "https://evil.example";

  static OneBoxServer server;
  static ApiClient api;
  static String adminCookie;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject().put(Settings.PUBLIC_URL, ORIGIN));
    api = server.api();
    adminCookie = Pairing.register(api, ADMIN);
    server.grantAdmin(ADMIN); // before the cookie's first use: its validation then says admin
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** "METHOD /api/admin/…" of every documented admin operation, path parameters filled in. */
  static List<String[]> adminRoutes() {
    JsonObject paths = api.get("/api/openapi.json", null).body.getJsonObject("paths");
    List<String[]> routes = new ArrayList<>();
    for (String path : paths.fieldNames()) {
      if (!path.startsWith("/api/admin/")) {
        continue;
      }
      // an id no account or invite has: should the guard be missing, nothing real is touched
      String concrete = path.replaceAll("\\{[^}]+}", "987654321");
      for (String method : paths.getJsonObject(path).fieldNames()) {
        routes.add(new String[] {method.toUpperCase(), concrete});
      }
    }
    return routes;
  }

  static Response send(String method, String path, Map<String, String> crossSite) {
    Map<String, String> headers = new HashMap<>(crossSite);
    headers.put("Cookie", adminCookie);
    boolean withBody = !method.equals("GET") && !method.equals("HEAD");
    if (withBody) {
      headers.put("Content-Type", "application/json");
    }
    return api.send(HttpMethod.valueOf(method), path, null, withBody ? Buffer.buffer("{}") : null, headers);
  }

  @Test
  void everyAdminRouteRefusesACrossOriginRequestWithAnAdminsCookie() {
    assertEquals(200, send("GET", "/api/admin/figures", Map.of("Origin", ORIGIN)).status,
        "the control: the cookie is an admin's, so a same-origin request is served");
    List<String[]> routes = adminRoutes();
    assertTrue(routes.size() >= 10, "the admin routes of the OpenAPI document: " + routes.size());
    List<String> notRefused = new ArrayList<>();
    for (Map<String, String> crossSite : List.of(Map.of("Origin", EVIL),
        Map.of("Sec-Fetch-Site", "cross-site"))) { // a browser that sends no Origin says where the request came from
      for (String[] route : routes) {
        Response r = send(route[0], route[1], crossSite);
        if (r.status != 403 || !Boolean.FALSE.equals(r.body.getBoolean("success"))
            || !"Cross-origin request refused".equals(r.error())) {
          notRefused.add(route[0] + " " + route[1] + " " + crossSite + " -> " + r);
        }
      }
    }
    assertEquals(List.of(), notRefused, "every admin route must answer a cross-site request 403 with the envelope");
  }
}
