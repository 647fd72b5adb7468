package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.gateway.GatewayVerticle;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/nginx-tls.conf (docker-compose.tls.yml's proxy) run by a real nginx in front of a real gateway behind an
 * https public URL, with a self-signed certificate made by openssl: plain http only redirects to https (path and
 * query kept), and every https answer, errors too, carries exactly one Strict-Transport-Security header.
 * Only what a container network needs is changed: the upstream address, the ports, the file paths.
 */
class NginxTlsProxyTest {
  static Vertx vertx;
  static Process nginx;
  static Path dir;
  static int httpPort;
  static int httpsPort;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    Nginx.require("NginxTlsProxyTest");
    dir = Files.createTempDirectory("flamingo-nginx-tls");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout", dir.resolve("privkey.pem").toString(), "-out", dir.resolve("fullchain.pem").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    assertEquals(0, openssl.waitFor(), "openssl req: " + Files.readString(dir.resolve("openssl.log")));
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trusting(dir.resolve("fullchain.pem")))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    httpPort = TestCluster.freePort();
    httpsPort = TestCluster.freePort();
    vertx = Vertx.vertx();
    GatewayVerticle gateway = new GatewayVerticle();
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(new JsonObject()
        .put(Settings.HTTP_HOST, "127.0.0.1").put(Settings.HTTP_PORT, 0)
        .put(Settings.PUBLIC_URL, "https://127.0.0.1:" + httpsPort)
        .put(Settings.TRUSTED_PROXIES, "127.0.0.0/8").put(Settings.BUS_TIMEOUT_MS, 2000))).await();
    String site = Files.readString(Path.of("..", "deploy", "nginx-tls.conf"))
        .replace(" resolve;", ";") // needs nginx 1.27.3+ (the compose image); not needed for one static address
        .replace("server gateway:8080", "server 127.0.0.1:" + gateway.actualPort())
        .replace("listen 8080;", "listen 127.0.0.1:" + httpPort + ";")
        .replace("listen 8443 ssl;", "listen 127.0.0.1:" + httpsPort + " ssl;")
        .replace("/etc/nginx/tls/", dir + "/")
        .replace("/var/log/nginx/access.log", dir.resolve("access.log").toString());
    nginx = Nginx.start(dir, site);
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        get("https", httpsPort, "/health/live");
        get("http", httpPort, "/");
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("nginx did not start: " + Files.readString(dir.resolve("stdout.log")));
  }

  /** An SSLContext that trusts the one (self-signed) certificate in {@code pem}. */
  static SSLContext trusting(Path pem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      trust.setCertificateEntry("self", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }

  @AfterAll
  static void stop() throws Exception {
    Nginx.stop(nginx, null);
    if (vertx != null) {
      vertx.close().await();
    }
    Nginx.stop(null, dir);
  }

  static HttpResponse<String> get(String scheme, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void plainHttpOnlyRedirectsToHttps() throws Exception {
    for (String path : new String[] {"/", "/api/sync/data?x=1", "/login?token=abc", "/health/live", "/metrics"}) {
      HttpResponse<String> r = get("http", httpPort, path);
      assertEquals(301, r.statusCode(), path);
      assertEquals("https://127.0.0.1" + path, r.headers().firstValue("Location").orElse(null), path);
    }
  }

  @Test
  void everyHttpsAnswerCarriesOneHstsHeader() throws Exception {
    HttpResponse<String> live = get("https", httpsPort, "/health/live");
    assertEquals(200, live.statusCode());
    assertEquals(List.of("max-age=31536000"), live.headers().allValues("Strict-Transport-Security"),
        "nginx's header, the gateway's dropped");
    HttpResponse<String> hidden = get("https", httpsPort, "/metrics");
    assertEquals(404, hidden.statusCode(), "operations endpoints stay off the proxy");
    assertEquals(List.of("max-age=31536000"), hidden.headers().allValues("Strict-Transport-Security"));
    HttpResponse<String> missing = get("https", httpsPort, "/api/no-such-route");
    assertTrue(missing.statusCode() >= 400, "an error: " + missing.statusCode());
    assertEquals(List.of("max-age=31536000"), missing.headers().allValues("Strict-Transport-Security"));
  }
}
