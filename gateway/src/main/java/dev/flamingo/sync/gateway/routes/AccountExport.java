package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.Envelope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * "Export my data": one JSON download of what the server holds for the account, taken from each service:
 * the account, the key's status (never the key), every blob as stored (still encrypted: the server cannot
 * open them), the sync config, the devices and the whole audit log.
 */
final class AccountExport {
  static final String FORMAT = "flamingo-export/1";
  /** Audit events per page asked of device-service (its largest page). */
  static final int AUDIT_PAGE = 200;
  /** At most this many audit events (the retention keeps 90 days; this bounds one download). */
  static final int AUDIT_MAX = 20_000;

  private final BusForwarder bus;

  AccountExport(BusForwarder bus) {
    this.bus = bus;
  }

  void export(RoutingContext ctx) {
    RequestContext c = Contexts.get(ctx);
    JsonObject none = new JsonObject();
    Future<JsonObject> me = bus.request(c, Addresses.AUTH_ACCOUNT_ME, none);
    Future<JsonObject> key = bus.request(c, Addresses.DATA_KEY_STATUS, none);
    Future<JsonObject> blobs = bus.request(c, Addresses.DATA_BLOB_LIST, none);
    Future<JsonObject> config = bus.request(c, Addresses.DATA_CONFIG_GET, none);
    Future<JsonObject> devices = bus.request(c, Addresses.DEVICE_LIST, none);
    Future<JsonArray> audit = audit(c, null, new JsonArray());
    Future.all(java.util.List.of(me, key, blobs, config, devices, audit)).onComplete(ar -> {
      if (ar.failed()) {
        Envelope.error(ctx, Failures.fromThrowable(ar.cause()));
        return;
      }
      JsonObject account = me.result().getJsonObject("data");
      JsonArray items = new JsonArray();
      blobs.result().getJsonObject("data").getJsonArray("items", new JsonArray()).forEach(o -> {
        JsonObject i = (JsonObject) o;
        items.add(new JsonObject().put("data_type", i.getValue("data_type"))
            .put("encrypted_blob", i.getValue("encrypted_blob")).put("nonce", i.getValue("nonce"))
            .put("version", i.getValue("version")).put("checksum", i.getValue("checksum"))
            .put("blob_size_bytes", i.getValue("blob_size_bytes")).put("updated_at", i.getValue("updated_at")));
      });
      JsonObject export = new JsonObject()
          .put("format", FORMAT)
          .put("exported_at", Instant.now().toString())
          .put("account", new JsonObject().put("email", account.getValue("email"))
              .put("created_at", account.getValue("created_at")))
          .put("key", WebRoutes.keyStatus(key.result()))
          .put("data", items)
          .put("sync_config", config.result().getValue("data"))
          .put("devices", devices.result().getValue("data"))
          .put("audit", audit.result());
      ctx.response().putHeader("Content-Disposition", "attachment; filename=\"flamingo-export-"
          + LocalDate.now(ZoneOffset.UTC) + ".json\"");
      ctx.response().putHeader("Cache-Control", "no-store");
      Envelope.ok(ctx, export);
    });
  }

  /** Every audit event of the account, newest first, page by page. */
  private Future<JsonArray> audit(RequestContext c, Long before, JsonArray into) {
    JsonObject page = new JsonObject().put("limit", AUDIT_PAGE);
    if (before != null) {
      page.put("before", before);
    }
    return bus.request(c, Addresses.DEVICE_AUDIT_LIST, page).compose(reply -> {
      JsonArray events = reply.getJsonArray("data", new JsonArray());
      into.addAll(events);
      if (events.size() < AUDIT_PAGE || into.size() >= AUDIT_MAX) {
        return Future.succeededFuture(into);
      }
      return audit(c, events.getJsonObject(events.size() - 1).getLong("id"), into);
    });
  }
}
