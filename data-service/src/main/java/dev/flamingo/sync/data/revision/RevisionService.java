package dev.flamingo.sync.data.revision;

import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.bus.TextReply;
import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.data.blob.BlobBody;
import dev.flamingo.sync.data.blob.BlobItem;
import dev.flamingo.sync.data.blob.BlobService;
import dev.flamingo.sync.data.blob.BlobWire;
import dev.flamingo.sync.data.blob.ChangeCounter;
import dev.flamingo.sync.data.support.DataSettings;
import dev.flamingo.sync.data.support.Events;
import dev.flamingo.sync.data.support.Versions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/**
 * Kept revisions of an account's blobs (issue 23): list, read back, restore as a new current version, purge, and
 * the dashboard's summary. Revisions are kept and pruned by the blob writes themselves ({@code BlobStore}); restores
 * and purges are audited through the outbox in their transaction.
 */
public final class RevisionService {
  public static final String NOT_FOUND = "Revision not found";

  private final RevisionStore store;
  private final BlobService blobs;
  private final Events events;

  public RevisionService(Pool pool, DataSettings settings, BlobService blobs, Events events) {
    this.store = new RevisionStore(pool, settings.revisionDays());
    this.blobs = blobs;
    this.events = events;
  }

  /** The most items one list request may ask for with {@code limit}. */
  static final int MAX_LIST_LIMIT = 100;

  /**
   * {type, before?, limit?, with_blobs?} → {items (newest first), count}; the export pages with {@code before} (the
   * last version it got) and {@code limit}, and asks for the blobs with {@code with_blobs}.
   */
  public Future<JsonObject> list(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    String type = DataType.require(body.getValue("type")).wireName();
    Long before = body.getValue("before") == null ? null : version(body, "before");
    Object rawLimit = body.getValue("limit");
    if (rawLimit != null && (!(rawLimit instanceof Integer n) || n < 1 || n > MAX_LIST_LIMIT)) {
      throw new ServiceException(400, "limit must be a whole number from 1 to " + MAX_LIST_LIMIT);
    }
    Object withBlobs = body.getValue("with_blobs");
    if (withBlobs != null && !(withBlobs instanceof Boolean)) {
      throw new ServiceException(400, "with_blobs must be true or false");
    }
    return store.list(account, type, before, (Integer) rawLimit, Boolean.TRUE.equals(withBlobs))
        .map(items -> Reply.data(new JsonObject().put("items", items).put("count", items.size())));
  }

  /** {type, version} → the revision exactly as the blob GET answers an item; 404 when there is none. */
  public Future<TextReply> get(Message<Object> message, RequestContext ctx) {
    long account = ctx.requireAccount();
    JsonObject body = body(message);
    String type = DataType.require(body.getValue("type")).wireName();
    long version = version(body);
    return store.get(store.pool(), account, type, version).map(item -> {
      if (item == null) {
        throw ServiceException.notFound(NOT_FOUND);
      }
      return BlobWire.item(item);
    });
  }

  /**
   * {type, version, if_match?} → as the blob PUT answers: the revision's content is the type's new current version
   * (the account's next), and what it replaced is kept (reason "restored"); refused as a PUT would be (409, 412,
   * 413), 404 for an unknown revision. Audited as {@code revision.restored}.
   */
  public Future<TextReply> restore(Message<Object> message, RequestContext ctx) {
    long account = ctx.requireAccount();
    JsonObject body = body(message);
    String type = DataType.require(body.getValue("type")).wireName();
    long version = version(body);
    Long ifMatch = Versions.expected(body);
    return store.pool().<BlobService.Written>withTransaction(tx -> ChangeCounter.hold(tx, account)
            .compose(held -> store.get(tx, account, type, version))
            .compose(item -> item == null
                ? Future.failedFuture(ServiceException.notFound(NOT_FOUND))
                : blobs.restore(tx, account, content(item, ifMatch), ctx))
            .compose(w -> events.audit(tx, "revision.restored", ctx, new JsonObject().put("data_type", type)
                .put("restored_version", version).put("version", w.version())).map(w)))
        .map(w -> {
          blobs.restored(account, w);
          return BlobWire.written(w);
        });
  }

  /** {type?} → {purged}: the type's revisions (absent: every type's) are deleted; audited as {@code revisions.purged}. */
  public Future<JsonObject> purge(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    Object rawType = body.getValue("type");
    String type = rawType == null ? null : DataType.require(rawType).wireName();
    return store.pool().withTransaction(tx -> ChangeCounter.hold(tx, account)
            .compose(held -> store.purge(tx, account, type))
            .compose(purged -> events.audit(tx, "revisions.purged", ctx, new JsonObject().put("data_type", type)
                .put("purged", purged)).map(purged)))
        .map(purged -> Reply.data(new JsonObject().put("purged", purged)));
  }

  /** → {types: [{type, revision_count, revision_bytes, trashed}], revision_bytes, overwrites (last 7 days)}. */
  public Future<JsonObject> summary(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    return store.types(account).compose(types -> store.overwrites(account).map(overwrites -> {
      long bytes = 0;
      for (Object t : types) {
        bytes += ((JsonObject) t).getLong("revision_bytes");
      }
      return Reply.data(new JsonObject().put("types", types).put("revision_bytes", bytes)
          .put("overwrites", overwrites));
    }));
  }

  private static BlobBody content(BlobItem item, Long ifMatch) {
    return new BlobBody(item.dataType(), item.blob(), item.nonce(), item.checksum(), item.size(), ifMatch);
  }

  private static JsonObject body(Message<Object> message) {
    return message.body() instanceof JsonObject json ? json : new JsonObject();
  }

  static long version(JsonObject body) {
    return version(body, "version");
  }

  /** An integer, or its digits as a string (a path segment as sent); else 400. */
  static long version(JsonObject body, String field) {
    Object raw = body.getValue(field);
    if (raw instanceof Number n && n.longValue() == n.doubleValue() && n.longValue() >= 0) {
      return n.longValue();
    }
    if (raw instanceof String s && s.matches("\\d{1,18}")) {
      return Long.parseLong(s);
    }
    throw new ServiceException(400, field + " must be a version number");
  }
}
