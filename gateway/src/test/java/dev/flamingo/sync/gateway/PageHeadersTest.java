package dev.flamingo.sync.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pages' transport-level guarantees: no framing, no inline script, no Referer, sign-in first. */
class PageHeadersTest {
  static Vertx vertx;
  static WebClient web;
  static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    GatewayVerticle gateway = new GatewayVerticle();
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(new JsonObject().put(Settings.HTTP_PORT, 0))).await();
    port = gateway.actualPort();
    web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  HttpResponse<Buffer> get(String path) {
    return web.get(port, "127.0.0.1", path).send().await();
  }

  @Test
  void loginPageIsUnframableWithStrictCsp() {
    HttpResponse<Buffer> r = get("/login?token=flm_temp_" + "a".repeat(64));
    assertEquals(200, r.statusCode());
    assertTrue(r.getHeader("Content-Type").startsWith("text/html"));
    assertEquals("DENY", r.getHeader("X-Frame-Options"));
    String csp = r.getHeader("Content-Security-Policy");
    assertTrue(csp.contains("frame-ancestors 'none'"), csp);
    assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
    assertEquals("no-referrer", r.getHeader("Referrer-Policy"));
    String html = r.bodyAsString();
    assertFalse(html.contains("flm_temp_"), "the page HTML never embeds a token");
    assertFalse(html.matches("(?s).*<script>.*"), "no inline script");
  }

  /** A password-reset link's page: the same headers, served without a login, and its token never in the HTML. */
  @Test
  void resetPageIsUnframableWithStrictCspAndNoReferrer() {
    HttpResponse<Buffer> r = get("/reset?token=flm_reset_" + "b".repeat(64));
    assertEquals(200, r.statusCode());
    assertTrue(r.getHeader("Content-Type").startsWith("text/html"));
    assertEquals("DENY", r.getHeader("X-Frame-Options"));
    String csp = r.getHeader("Content-Security-Policy");
    assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
    assertEquals("no-referrer", r.getHeader("Referrer-Policy"));
    assertEquals("no-store", r.getHeader("Cache-Control"));
    String html = r.bodyAsString();
    assertFalse(html.contains("flm_reset_"), "the page HTML never embeds a token");
    assertFalse(html.matches("(?s).*<script>.*"), "no inline script");
    assertEquals(200, get("/assets/reset.js").statusCode());
  }

  @Test
  void dashboardWithoutLoginRedirectsToSignIn() {
    for (String page : new String[] {"/dashboard", "/admin"}) {
      HttpResponse<Buffer> r = get(page);
      assertEquals(302, r.statusCode(), page);
      assertEquals("/login", r.getHeader("Location"), page);
    }
  }

  @Test
  void assetsAreServed() {
    HttpResponse<Buffer> js = get("/assets/login.js");
    assertEquals(200, js.statusCode());
    assertTrue(js.getHeader("Content-Type").contains("javascript"), js.getHeader("Content-Type"));
    assertEquals(404, get("/assets/nope.js").statusCode());
    HttpResponse<Buffer> logo = get("/assets/logo.svg");
    assertEquals(200, logo.statusCode());
    assertEquals("image/svg+xml", logo.getHeader("Content-Type").split(";")[0], "an SVG logo, not an emoji that needs a font");
  }
}
