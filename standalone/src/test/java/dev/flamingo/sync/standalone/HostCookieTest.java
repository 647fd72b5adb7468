package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A deployment whose public URL is https (TLS ends at a proxy in front): the login is the
 * {@code __Host-flamingo_login} cookie (Secure, Path=/, no Domain), only that name is honoured, and
 * every answer carries HSTS.
 */
class HostCookieTest {
  static final String ORIGIN = "https://sync.example";

  static OneBoxServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject()
        .put(Settings.PUBLIC_URL, ORIGIN).put(Settings.GATEWAY_INSTANCES, 1));
    api = server.api();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static Response me(String cookieHeader) {
    return api.send(HttpMethod.GET, "/api/auth/me", null, null, Map.of("Cookie", cookieHeader));
  }

  @Test
  void theLoginIsAHostOnlySecureCookie() {
    Response r = api.send(HttpMethod.POST, "/api/auth/register", null,
        Buffer.buffer(new JsonObject().put("email", "host@example.com").put("password", "a good password").encode()),
        Map.of("Origin", ORIGIN));
    assertEquals(200, r.status, r.toString());
    assertEquals("max-age=31536000", r.header("Strict-Transport-Security"));
    assertEquals(1, r.raw.cookies().size(), r.raw.cookies().toString());
    String setCookie = r.raw.cookies().get(0);
    assertTrue(setCookie.startsWith("__Host-flamingo_login="), setCookie);
    assertTrue(setCookie.contains("; Secure"), setCookie);
    assertTrue(setCookie.contains("; Path=/;") || setCookie.endsWith("; Path=/"), setCookie);
    assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
    assertFalse(setCookie.toLowerCase().contains("domain="), setCookie);
    String value = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));

    assertEquals("host@example.com", me("__Host-flamingo_login=" + value).data().getString("email"));
    assertEquals(401, me("flamingo_login=" + value).status, "a plainly named cookie (plantable over http) is ignored");
    assertEquals("max-age=31536000", me("flamingo_login=" + value).header("Strict-Transport-Security"));

    Response out = api.send(HttpMethod.POST, "/api/auth/logout", null, Buffer.buffer("{}"),
        Map.of("Origin", ORIGIN, "Cookie", "__Host-flamingo_login=" + value));
    assertEquals(200, out.status);
    assertTrue(out.raw.cookies().get(0).startsWith("__Host-flamingo_login=;"), out.raw.cookies().toString());
    assertEquals(401, me("__Host-flamingo_login=" + value).status, "logged out on the server");
  }
}
