package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.Envelope;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Export my data": one JSON download of what the server holds for the account, taken from each service:
 * the account, the key's status (never the key), every blob as stored (still encrypted: the server cannot
 * open them), every revision's metadata (and its encrypted blob with {@code ?revision_blobs=true}), the sync
 * config, the devices and the whole audit log.
 *
 * <p>The download is the envelope {@code {"success":true,"data":{format, exported_at, account, key, data,
 * revisions, sync_config, devices, audit}}}, streamed (chunked): the small parts are asked for first (a failure there is
 * the usual error envelope), then the blobs one at a time in version order and the audit log one page at a
 * time, each written before the next is asked for, after the last write drained. The gateway never holds more
 * than one blob or one audit page of the export. A failure once the download has begun ends the connection
 * without the closing chunk, so the client sees an incomplete download, never a short valid file.
 */
final class AccountExport {
  private static final Logger LOG = LoggerFactory.getLogger(AccountExport.class);
  static final String FORMAT = "flamingo-export/1";
  /** The query flag that adds each revision's encrypted blob and nonce to its metadata. */
  static final String REVISION_BLOBS = "revision_blobs";
  /** Audit events per page asked of device-service (its largest page). */
  static final int AUDIT_PAGE = 200;
  /** At most this many audit events (the retention keeps 90 days; this bounds one download). */
  static final int AUDIT_MAX = 20_000;
  /** The whole download must end within this (a client that stops reading holds the connection no longer). */
  static final long DOWNLOAD_MAX_MILLIS = 10 * 60_000;

  private final BusForwarder bus;
  /** Completes when the response ended (written or the connection gone): one export per instance. */
  private final Promise<Void> ended = Promise.promise();
  /** Revisions written so far (the comma between them). */
  private int revisionsWritten;

  AccountExport(BusForwarder bus) {
    this.bus = bus;
  }

  void export(RoutingContext ctx) {
    RequestContext c = Contexts.get(ctx);
    boolean withRevisionBlobs = "true".equals(ctx.request().getParam(REVISION_BLOBS));
    JsonObject none = new JsonObject();
    Future<JsonObject> me = bus.request(c, Addresses.AUTH_ACCOUNT_ME, none);
    Future<JsonObject> key = bus.request(c, Addresses.DATA_KEY_STATUS, none);
    Future<JsonObject> config = bus.request(c, Addresses.DATA_CONFIG_GET, none);
    Future<JsonObject> devices = bus.request(c, Addresses.DEVICE_LIST, none);
    Future.all(List.of(me, key, config, devices)).onComplete(ar -> {
      if (ar.failed()) {
        Envelope.error(ctx, Failures.fromThrowable(ar.cause()));
        return;
      }
      JsonObject account = me.result().getJsonObject("data");
      HttpServerResponse response = ctx.response();
      if (response.ended()) {
        return;
      }
      ctx.addEndHandler(end -> ended.tryComplete());
      response.setChunked(true);
      response.putHeader("Content-Type", "application/json; charset=utf-8");
      response.putHeader("Cache-Control", "no-store");
      response.putHeader("Content-Disposition", "attachment; filename=\"flamingo-export-"
          + LocalDate.now(ZoneOffset.UTC) + ".json\"");
      long deadline = ctx.vertx().setTimer(DOWNLOAD_MAX_MILLIS, t -> {
        if (!response.ended()) {
          LOG.warn("export of account {} not finished within {} s: connection closed (request {})", c.accountId(),
              DOWNLOAD_MAX_MILLIS / 1000, c.requestId());
          response.reset();
        }
      });
      JsonObject head = new JsonObject()
          .put("format", FORMAT)
          .put("exported_at", Instant.now().toString())
          .put("account", new JsonObject().put("email", account.getValue("email"))
              .put("created_at", account.getValue("created_at")))
          .put("key", WebRoutes.keyStatus(key.result()));
      String opened = head.encode();
      // {"success":true,"data":{...head fields..., "data":[ items ], "revisions":[ items ], "sync_config":…, "devices":…, "audit":[ events ]}}
      write(response, "{\"success\":true,\"data\":" + opened.substring(0, opened.length() - 1) + ",\"data\":[")
          .compose(v -> blobs(c, response, null, true))
          .compose(v -> write(response, "],\"revisions\":["))
          .compose(v -> revisions(c, response, withRevisionBlobs, 0))
          .compose(v -> write(response, "],\"sync_config\":" + encode(config.result().getValue("data"))
              + ",\"devices\":" + encode(devices.result().getValue("data")) + ",\"audit\":["))
          .compose(v -> audit(c, response, null, 0))
          .compose(v -> response.end(Buffer.buffer("]}}")))
          .onComplete(done -> {
            ctx.vertx().cancelTimer(deadline);
            if (done.failed() && !response.ended()) {
              LOG.warn("export of account {} failed after it began: connection closed (request {}): {}", c.accountId(),
                  c.requestId(), done.cause().toString());
              response.reset();
            }
          });
    });
  }

  /** A JSON value as the export writes it (null, an object or an array). */
  private static String encode(Object value) {
    return value == null ? "null" : Json.encode(value);
  }

  /** Writes {@code text}; completes once the response can take more (its write queue drained). */
  private Future<Void> write(HttpServerResponse response, String text) {
    return write(response, Buffer.buffer(text));
  }

  private Future<Void> write(HttpServerResponse response, Buffer buffer) {
    Future<Void> written = response.write(buffer);
    if (!response.writeQueueFull()) {
      return written;
    }
    // the response's close and exception handlers are Vert.x Web's (its end handlers): the end is learnt from those
    Promise<Void> drained = Promise.promise();
    response.drainHandler(v -> drained.tryComplete());
    ended.future().onComplete(ar -> drained.tryFail("the connection ended before the export was written"));
    return written.compose(v -> drained.future());
  }

  /** The account's blobs after {@code since}, one per request to data-service, each written before the next. */
  private Future<Void> blobs(RequestContext c, HttpServerResponse response, Long since, boolean first) {
    JsonObject page = new JsonObject().put("limit", 1);
    if (since != null) {
      page.put("since", since);
    }
    return bus.request(c, Addresses.DATA_BLOB_LIST, page).compose(reply -> {
      JsonArray items = reply.getJsonObject("data").getJsonArray("items", new JsonArray());
      if (items.isEmpty()) {
        return Future.succeededFuture();
      }
      JsonObject i = items.getJsonObject(0);
      JsonObject item = new JsonObject().put("data_type", i.getValue("data_type"))
          .put("encrypted_blob", i.getValue("encrypted_blob")).put("nonce", i.getValue("nonce"))
          .put("version", i.getValue("version")).put("checksum", i.getValue("checksum"))
          .put("blob_size_bytes", i.getValue("blob_size_bytes")).put("updated_at", i.getValue("updated_at"));
      Buffer out = Buffer.buffer();
      if (!first) {
        out.appendByte((byte) ',');
      }
      out.appendBuffer(item.toBuffer());
      return write(response, out).compose(v -> blobs(c, response, i.getLong("version"), false));
    });
  }

  /**
   * Every type's revisions (data-service's list, newest first, each item with its {@code data_type}), one type's
   * list at a time; with {@code withBlobs}, each one's {@code encrypted_blob} and {@code nonce} too, asked for and
   * written one revision at a time (one pruned in between is written without them).
   */
  private Future<Void> revisions(RequestContext c, HttpServerResponse response, boolean withBlobs, int typeIndex) {
    if (typeIndex == DataType.ALL.size()) {
      return Future.succeededFuture();
    }
    String type = DataType.ALL.get(typeIndex).wireName();
    return bus.request(c, Addresses.DATA_REVISIONS_LIST, new JsonObject().put("type", type))
        .compose(reply -> revisionItems(c, response, type,
            reply.getJsonObject("data").getJsonArray("items", new JsonArray()), 0, withBlobs))
        .compose(v -> revisions(c, response, withBlobs, typeIndex + 1));
  }

  private Future<Void> revisionItems(RequestContext c, HttpServerResponse response, String type, JsonArray items,
      int index, boolean withBlobs) {
    if (index == items.size()) {
      return Future.succeededFuture();
    }
    JsonObject item = new JsonObject().put("data_type", type).mergeIn(items.getJsonObject(index));
    Future<JsonObject> full = !withBlobs ? Future.succeededFuture(item)
        : bus.request(c, Addresses.DATA_REVISIONS_GET, new JsonObject().put("type", type).put("version", item.getValue("version")))
            .map(reply -> {
              JsonObject blob = reply.getJsonObject("data");
              return item.put("encrypted_blob", blob.getValue("encrypted_blob")).put("nonce", blob.getValue("nonce"));
            })
            .recover(t -> t instanceof ServiceException se && se.status() == 404
                ? Future.succeededFuture(item) : Future.failedFuture(t));
    return full.compose(o -> {
      Buffer out = Buffer.buffer();
      if (revisionsWritten++ > 0) {
        out.appendByte((byte) ',');
      }
      return write(response, out.appendBuffer(o.toBuffer()));
    }).compose(v -> revisionItems(c, response, type, items, index + 1, withBlobs));
  }

  /** Every audit event of the account, newest first, page by page, each page written before the next is asked for. */
  private Future<Void> audit(RequestContext c, HttpServerResponse response, Long before, int written) {
    JsonObject page = new JsonObject().put("limit", AUDIT_PAGE);
    if (before != null) {
      page.put("before", before);
    }
    return bus.request(c, Addresses.DEVICE_AUDIT_LIST, page).compose(reply -> {
      JsonArray events = reply.getJsonArray("data", new JsonArray());
      if (events.isEmpty()) {
        return Future.succeededFuture();
      }
      Buffer out = Buffer.buffer();
      for (int n = 0; n < events.size(); n++) {
        if (written + n > 0) {
          out.appendByte((byte) ',');
        }
        out.appendString(encode(events.getValue(n)));
      }
      int total = written + events.size();
      Future<Void> sent = write(response, out);
      if (events.size() < AUDIT_PAGE || total >= AUDIT_MAX) {
        return sent;
      }
      return sent.compose(v -> audit(c, response, events.getJsonObject(events.size() - 1).getLong("id"), total));
    });
  }
}
