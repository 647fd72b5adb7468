package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.gateway.admin.AccountDeletions;
import dev.flamingo.sync.gateway.auth.Authenticator;
import dev.flamingo.sync.gateway.auth.SameOrigin;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.Envelope;
import dev.flamingo.sync.gateway.http.JsonBodies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The JSON API behind the web pages: the browser login cookie instead of a Bearer token, same-origin
 * only. It reuses the services' bus actions with the account in the context and never hands a key or
 * a blob to the page (the overview strips them).
 */
public final class WebRoutes {
  private final BusForwarder bus;
  private final AccountRoutes accounts;
  private final AccountDeletions deletions;

  public WebRoutes(BusForwarder bus, AccountRoutes accounts, AccountDeletions deletions) {
    this.bus = bus;
    this.accounts = accounts;
    this.deletions = deletions;
  }

  /**
   * "Export my data": streamed for as long as the client reads (bounded by the export itself), so the request
   * timeout leaves it alone.
   */
  public static final String EXPORT_PATH = "/api/web/export";

  /** {@code exportLimit}: downloads of the export per account. */
  public void mount(Router router, Authenticator auth, SameOrigin sameOrigin, Handler<RoutingContext> exportLimit) {
    router.route("/api/web/*").handler(sameOrigin).handler(auth::requireBrowser);
    router.get("/api/web/device-request").handler(ctx -> bus.forward(ctx, Addresses.AUTH_SYNC_DESCRIBE,
        new JsonObject().put("temp_token", ctx.request().getParam("token"))));
    router.post("/api/web/device-request/deny")
        .handler(ctx -> bus.forward(ctx, Addresses.AUTH_SYNC_DENY, JsonBodies.object(ctx)));
    router.get("/api/web/overview").handler(this::overview);
    router.get("/api/web/key").handler(this::keyStatus);
    router.get("/api/web/devices").handler(ctx -> bus.forward(ctx, Addresses.DEVICE_LIST, new JsonObject()));
    router.post("/api/web/devices/revoke-all")
        .handler(ctx -> bus.forward(ctx, Addresses.DEVICE_REVOKE_OTHERS, new JsonObject()));
    router.delete("/api/web/devices/:id")
        .handler(ctx -> bus.forward(ctx, Addresses.DEVICE_REVOKE, new JsonObject().put("id", ctx.pathParam("id"))));
    router.patch("/api/web/devices/:id")
        .handler(ctx -> bus.forward(ctx, Addresses.DEVICE_RENAME, JsonBodies.object(ctx).put("id", ctx.pathParam("id"))));
    router.get("/api/web/config").handler(ctx -> bus.forward(ctx, Addresses.DATA_CONFIG_GET, new JsonObject()));
    router.put("/api/web/config").handler(ctx -> bus.forward(ctx, Addresses.DATA_CONFIG_PUT, JsonBodies.object(ctx)));
    router.get("/api/web/audit").handler(ctx -> bus.forward(ctx, Addresses.DEVICE_AUDIT_LIST, new JsonObject()
        .put("limit", ctx.request().getParam("limit")).put("before", ctx.request().getParam("before"))
        .put("event_type", ctx.request().getParam("event_type"))));
    router.post("/api/web/account/delete").handler(this::deleteAccount);
    // Dashboard → Security: second factors (removing one, or new recovery codes, takes the password again)
    router.get("/api/web/security").handler(ctx -> bus.forward(ctx, Addresses.AUTH_TWO_FACTOR_STATUS, new JsonObject()));
    router.post("/api/web/security/totp").handler(ctx -> bus.forward(ctx, Addresses.AUTH_TOTP_BEGIN, new JsonObject()));
    router.post("/api/web/security/totp/confirm").handler(ctx -> bus.forward(ctx, Addresses.AUTH_TOTP_CONFIRM,
        new JsonObject().put("code", JsonBodies.object(ctx).getValue("code"))));
    router.post("/api/web/security/totp/remove").handler(ctx -> bus.forward(ctx, Addresses.AUTH_TOTP_REMOVE,
        new JsonObject().put("password", JsonBodies.object(ctx).getValue("password"))));
    router.post("/api/web/security/recovery-codes").handler(ctx -> bus.forward(ctx, Addresses.AUTH_RECOVERY_CODES,
        new JsonObject().put("password", JsonBodies.object(ctx).getValue("password"))));
    router.get(EXPORT_PATH).handler(exportLimit).handler(ctx -> new AccountExport(bus).export(ctx));
    router.post("/api/web/sign-out-everywhere").handler(ctx ->
        bus.request(ctx, Addresses.AUTH_SIGN_OUT_EVERYWHERE, new JsonObject(), reply -> {
          accounts.clearCookie(ctx);
          Envelope.reply(ctx, reply);
        }));
  }

  /** POST {password}: the caller's own account goes, everywhere (see AccountDeletions); the cookie is cleared. */
  private void deleteAccount(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    deletions.delete(Contexts.get(ctx), new JsonObject().put("password", body.getValue("password"))).onComplete(ar -> {
      if (ar.failed()) {
        Envelope.error(ctx, Failures.fromThrowable(ar.cause()));
        return;
      }
      accounts.clearCookie(ctx);
      Envelope.reply(ctx, ar.result());
    });
  }

  /** The key's status for the dashboard, from data-service's key.status: the key is never unwrapped for it. */
  private void keyStatus(RoutingContext ctx) {
    bus.request(ctx, Addresses.DATA_KEY_STATUS, new JsonObject(), reply -> Envelope.ok(ctx, keyStatus(reply)));
  }

  /**
   * {set, version?, custody?, created_at?, updated_at?}: only these fields, whatever the service adds later
   * (custody: whether the key is held under the account key, for the dashboard to say so).
   */
  static JsonObject keyStatus(JsonObject reply) {
    JsonObject k = reply.getJsonObject("data");
    if (k == null || !Boolean.TRUE.equals(k.getBoolean("set"))) {
      return new JsonObject().put("set", false);
    }
    return new JsonObject().put("set", true).put("version", k.getValue("version"))
        .put("custody", k.getValue("custody"))
        .put("created_at", k.getValue("created_at")).put("updated_at", k.getValue("updated_at"));
  }

  /** Per data type: synced or not, size, version, last update; the device count; key set or not. */
  private void overview(RoutingContext ctx) {
    RequestContext context = Contexts.get(ctx);
    Future<JsonObject> blobs = bus.request(context, Addresses.DATA_BLOB_LIST, new JsonObject());
    Future<JsonObject> key = bus.request(context, Addresses.DATA_KEY_STATUS, new JsonObject());
    Future<JsonObject> devices = bus.request(context, Addresses.DEVICE_LIST, new JsonObject());
    Future.join(blobs, key, devices).onComplete(ar -> {
      JsonObject data = new JsonObject();
      if (blobs.succeeded()) {
        JsonArray types = new JsonArray();
        blobs.result().getJsonObject("data").getJsonArray("items", new JsonArray()).forEach(o -> {
          JsonObject item = (JsonObject) o;
          types.add(new JsonObject().put("data_type", item.getString("data_type"))
              .put("version", item.getValue("version")).put("blob_size_bytes", item.getValue("blob_size_bytes"))
              .put("updated_at", item.getValue("updated_at")));
        });
        data.put("data", types);
      }
      if (key.succeeded()) {
        data.put("key", keyStatus(key.result()));
      }
      if (devices.succeeded()) {
        data.put("device_count", devices.result().getJsonArray("data", new JsonArray()).size());
      }
      if (blobs.failed() && key.failed() && devices.failed()) {
        Envelope.error(ctx, Failures.fromThrowable(blobs.cause()));
      } else {
        Envelope.ok(ctx, data);
      }
    });
  }
}
