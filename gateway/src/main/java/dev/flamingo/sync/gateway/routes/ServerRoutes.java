package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.Envelope;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.Properties;

/**
 * {@code GET /api/server}: what a deployment check ({@code bin/flamingo-doctor}) needs to see from the outside,
 * without a login: the server's name and version, its clock, the public URL it was given, the client address as
 * this gateway resolves it (after {@code FLAMINGO_TRUSTED_PROXIES} and {@code X-Forwarded-For}, the address the rate
 * limits and the audit log use), its body limits, and the data types ({@link DataType#describe()}) that the web
 * pages and scripts build their lists from. Nothing secret: all of it is visible to any client anyway.
 */
public final class ServerRoutes {
  public static final String NAME = "flamingo-sync";
  /** The Maven project version, filtered into the jar at build time. */
  public static final String VERSION = readVersion();

  /** ISO-8601 in UTC, always with milliseconds ({@code 2026-01-02T03:04:05.678Z}). */
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final String publicUrl;
  private final long maxRequestBytes;
  private final long maxJsonBytes;

  public ServerRoutes(String publicUrl, long maxRequestBytes, long maxJsonBytes) {
    this.publicUrl = publicUrl;
    this.maxRequestBytes = maxRequestBytes;
    this.maxJsonBytes = maxJsonBytes;
  }

  public void mount(Router router, Handler<RoutingContext> limit) {
    router.get("/api/server").handler(limit).handler(this::server);
  }

  private void server(RoutingContext ctx) {
    Envelope.ok(ctx, new JsonObject()
        .put("name", NAME)
        .put("version", VERSION)
        .put("time", TIME.format(Instant.now()))
        .put("public_url", publicUrl)
        .put("client_ip", Contexts.get(ctx).clientIp())
        .put("max_request_bytes", maxRequestBytes)
        .put("max_json_bytes", maxJsonBytes)
        .put("data_types", DataType.describe()));
  }

  private static String readVersion() {
    try (InputStream in = ServerRoutes.class.getResourceAsStream("/dev/flamingo/sync/gateway/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "").trim();
      return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
