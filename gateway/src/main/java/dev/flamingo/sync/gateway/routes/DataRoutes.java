package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.gateway.auth.Authenticator;
import dev.flamingo.sync.gateway.auth.KeyGrants;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.Envelope;
import dev.flamingo.sync.gateway.http.DeferredBody;
import dev.flamingo.sync.gateway.http.JsonBodies;
import dev.flamingo.sync.gateway.http.JsonContentType;
import dev.flamingo.sync.common.bus.WireFormat;
import dev.flamingo.sync.gateway.syncstatus.SyncStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HashMap;
import java.util.Map;

/**
 * Sync config, key escrow and encrypted blobs (data-service). Conditional headers travel in the body as
 * {@code if_match} / {@code if_none_match}; the path's type as {@code type}. A blob GET and PUT ask for
 * the compact text form of the reply ({@link WireFormat}).
 */
public final class DataRoutes {
  private final BusForwarder bus;
  private final KeyGrants keys;
  private final SyncStatus syncStatus;
  /** This gateway's body limit of blob uploads (set by {@link #mountUploads}). */
  private long maxBodyBytes = Long.MAX_VALUE;

  public DataRoutes(BusForwarder bus, SyncStatus syncStatus) {
    this.bus = bus;
    this.syncStatus = syncStatus;
    this.keys = new KeyGrants(bus);
  }

  /**
   * The blob upload: the request stays paused until the Bearer token is checked, only then is the body
   * (up to {@code maxBodyBytes}, else 413) read. Mount before any route-wide BodyHandler.
   */
  public void mountUploads(Router router, Authenticator auth, long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
    // one buffer of the declared Content-Length (at most 64 KiB, and the limit), not one grown chunk by chunk:
    // growing it was the largest allocation of the mix (13 % of the bytes in a JFR profile); the caller is
    // authenticated by then
    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodyBytes).setPreallocateBodyBuffer(true);
    // wrapped: Vert.x Web would otherwise insist on running a BodyHandler before the authentication
    router.put("/api/sync/data/:type").handler(new DeferredBody()).handler(auth::requireBearer)
        .handler(syncStatus::track) // the outcome (uploaded or refused) goes into the device's sync status
        .handler(JsonContentType::require) // a JSON document too (docs/protocol.md): 415 before it is read
        .handler(ctx -> body.handle(ctx))
        .handler(JsonContentType::require)
        .handler(this::putBlob);
  }

  /**
   * In the text form: the body travels as it came (the data-service parses it), the path's type and the
   * conditional headers as {@code flamingo-arg-*} headers.
   */
  private void putBlob(RoutingContext ctx) {
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    Map<String, String> headers = new HashMap<>(8);
    headers.put(WireFormat.H_CONTENT, WireFormat.TEXT);
    headers.put(WireFormat.H_ARG_PREFIX + "type", ctx.pathParam("type"));
    putIfPresent(headers, WireFormat.H_ARG_PREFIX + "if_match", ctx.request().getHeader("If-Match"));
    putIfPresent(headers, WireFormat.H_ARG_PREFIX + "if_none_match", ctx.request().getHeader("If-None-Match"));
    bus.forwardText(ctx, Addresses.DATA_BLOB_PUT, raw == null ? Buffer.buffer() : raw, headers);
  }

  private static void putIfPresent(Map<String, String> headers, String name, String value) {
    if (value != null) {
      headers.put(name, value);
    }
  }

  public void mount(Router router, Authenticator auth) {
    router.get("/api/sync/config").handler(auth::requireBearer)
        .handler(ctx -> bus.forward(ctx, Addresses.DATA_CONFIG_GET, new JsonObject()));
    router.put("/api/sync/config").handler(auth::requireBearer)
        .handler(ctx -> bus.forward(ctx, Addresses.DATA_CONFIG_PUT, JsonBodies.object(ctx)));
    // the key: with the calling session's account key (key custody), see KeyGrants
    router.get("/api/sync/key").handler(auth::requireBearer)
        .handler(ctx -> keys.forwardKey(ctx, Addresses.DATA_KEY_GET_V2, new JsonObject()));
    router.put("/api/sync/key").handler(auth::requireBearer)
        .handler(ctx -> keys.forwardKey(ctx, Addresses.DATA_KEY_PUT_V2, conditional(ctx, JsonBodies.object(ctx))));
    router.get("/api/sync/limits").handler(auth::requireBearer).handler(this::limits);
    router.get("/api/sync/data").handler(auth::requireBearer)
        .handler(ctx -> bus.forward(ctx, Addresses.DATA_BLOB_LIST,
            new JsonObject().put("since", ctx.request().getParam("since")), reply -> syncStatus.listed(ctx, reply)));
    router.get("/api/sync/data/:type").handler(auth::requireBearer).handler(syncStatus::track)
        .handler(ctx -> bus.forwardText(ctx, Addresses.DATA_BLOB_GET, conditional(ctx, typed(ctx, new JsonObject())),
            Map.of()));
    router.delete("/api/sync/data/:type").handler(auth::requireBearer)
        .handler(ctx -> bus.forward(ctx, Addresses.DATA_BLOB_DELETE, conditional(ctx, typed(ctx, new JsonObject()))));
  }

  /**
   * data-service's limits, with the ones this gateway adds: {@code max_request_bytes} (its body limit), and
   * {@code max_blob_bytes} no larger than the largest blob whose upload (base64 in the JSON body) fits in it.
   */
  private void limits(RoutingContext ctx) {
    bus.request(ctx, Addresses.DATA_LIMITS, new JsonObject(), reply -> {
      JsonObject data = reply.getJsonObject("data", new JsonObject()).copy();
      if (maxBodyBytes != Long.MAX_VALUE) {
        data.put("max_request_bytes", maxBodyBytes);
        Object blob = data.getValue("max_blob_bytes");
        long fits = largestBlobFitting(maxBodyBytes);
        if (!(blob instanceof Number n) || n.longValue() > fits) {
          data.put("max_blob_bytes", fits);
        }
      }
      Envelope.ok(ctx, data);
    });
  }

  /** The largest decoded blob whose upload fits in {@code bodyBytes}: base64 (4 per 3) plus the JSON around it. */
  static long largestBlobFitting(long bodyBytes) {
    long room = bodyBytes - UPLOAD_OVERHEAD;
    return room <= 0 ? 0 : room / 4 * 3;
  }

  /** The JSON around the blob's base64 in an upload: field names, the nonce, a checksum of up to 256 characters. */
  static final long UPLOAD_OVERHEAD = 512;

  private static JsonObject typed(RoutingContext ctx, JsonObject body) {
    return body.put("type", ctx.pathParam("type"));
  }

  private static JsonObject conditional(RoutingContext ctx, JsonObject body) {
    String ifMatch = ctx.request().getHeader("If-Match");
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    if (ifMatch != null) {
      body.put("if_match", ifMatch);
    }
    if (ifNoneMatch != null) {
      body.put("if_none_match", ifNoneMatch);
    }
    return body;
  }
}
