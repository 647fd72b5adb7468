package dev.flamingo.sync.data.blob;

import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.ops.Observability;
import dev.flamingo.sync.data.support.DataSettings;
import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.data.support.Events;
import dev.flamingo.sync.data.support.Versions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Encrypted blobs. Plain PUTs are last-write-wins (the shipped client needs that); a PUT or DELETE with
 * If-Match is refused with 412 when stale. Every change takes the account's next version ({@link ChangeCounter},
 * a row lock held to commit) in the statement or transaction that makes it: the precondition, the quota and
 * the write see one state, versions only go up, nothing is half-written, and it is committed before the
 * reply. A PUT is one statement (see {@link BlobStore#put}); a DELETE is a transaction.
 */
public final class BlobService {
  static final String PRECONDITION_FAILED = "Precondition failed: the stored version is newer";
  static final String BAD_SINCE = "since must be a version number or an ISO-8601 time";
  /** Why a revision was kept: replaced by a PUT, by a restore, or deleted (the trash). */
  static final String REPLACED = "replaced";
  static final String RESTORED = "restored";

  private final BlobStore store;
  private final DataSettings limits;
  private final Events events;

  public BlobService(BlobStore store, DataSettings limits, Events events) {
    this.store = store;
    this.limits = limits;
    this.events = events;
    Observability.register("blob_bytes_written"); // scraped at 0 before the first write
    Observability.register("blob_put_raced");
  }

  /** The most items one list request may ask for with {@code limit}. */
  static final int MAX_LIST_LIMIT = 100;

  /**
   * {since?, limit?} → {items, count, latest_version}; with {@code limit} (1 to 100) only the first items after
   * {@code since} in version order: the export reads the account's blobs one page at a time with it.
   */
  public Future<JsonObject> list(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    Object rawLimit = body.getValue("limit");
    Integer limit = null;
    if (rawLimit != null) {
      if (!(rawLimit instanceof Integer n) || n < 1 || n > MAX_LIST_LIMIT) {
        throw new ServiceException(400, "limit must be a whole number from 1 to " + MAX_LIST_LIMIT);
      }
      limit = n;
    }
    Object since = body.getValue("since");
    Long sinceVersion = null;
    OffsetDateTime sinceTime = null;
    if (since instanceof Number n) {
      if (n.longValue() != n.doubleValue() || n.longValue() < 0) {
        throw new ServiceException(400, BAD_SINCE);
      }
      sinceVersion = n.longValue();
    } else if (since instanceof String s && !s.isBlank()) {
      if (s.matches("\\d{1,18}")) {
        sinceVersion = Long.parseLong(s);
      } else {
        try {
          sinceTime = OffsetDateTime.parse(s);
        } catch (DateTimeParseException e) {
          throw new ServiceException(400, BAD_SINCE);
        }
      }
    } else if (since != null && !(since instanceof String)) {
      throw new ServiceException(400, BAD_SINCE);
    }
    return store.list(account, sinceVersion, sinceTime, limit).map(listing -> Reply.data(new JsonObject()
        .put("items", listing.items())
        .put("count", listing.items().size())
        .put("latest_version", listing.latestVersion())));
  }

  /** A read item, and whether the request's If-None-Match matched it (a 304). */
  record Fetched(BlobItem item, boolean notModified) {}

  /** A committed write. */
  public record Written(String type, long version, int size, Instant updatedAt) {}

  /**
   * {type, if_none_match?} → the item a GET names, in one statement, and whether If-None-Match matched it (a
   * 304); 404 when missing, 400 on a malformed request. {@link BlobWire} writes the reply.
   */
  Future<Fetched> get(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    String type = DataType.require(body.getValue("type")).wireName();
    Object ifNoneMatch = body.getValue("if_none_match");
    Versions.noneMatch(ifNoneMatch, -1); // a malformed header is 400 before anything is read
    return store.get(account, type).map(item -> {
      if (item == null) {
        throw notFound(type);
      }
      return new Fetched(item, Versions.noneMatch(ifNoneMatch, item.version()));
    });
  }

  /**
   * {type, encrypted_blob, nonce, checksum?, if_match? | expected_version?}: validates and writes a PUT (its
   * reply, {data_type, version, blob_size_bytes}, is {@link BlobWire}'s): one statement ({@link BlobStore#put}) unless another write of the same
   * account committed while it ran; then once more in a transaction that first holds the account's counter
   * row, where nothing can race it (BEGIN, hold, the statement, COMMIT).
   */
  Future<Written> put(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    BlobBody b = BlobBody.parse(body);
    if (b.size() > limits.maxBlobBytes()) {
      throw new ServiceException(413, "encrypted_blob is larger than the limit of " + limits.maxBlobBytes() + " bytes");
    }
    return store.put(store.pool(), account, b, ctx, REPLACED)
        .compose(outcome -> outcome instanceof PutOutcome.Raced ? underLock(account, b, ctx) : decided(outcome, b))
        .map(outcome -> {
          events.changed(account, b.type(), outcome.version(), false);
          Observability.count("blob_bytes_written", b.size());
          return new Written(b.type(), outcome.version(), b.size(), outcome.updatedAt());
        });
  }

  private Future<PutOutcome.Stored> underLock(long account, BlobBody b, RequestContext ctx) {
    Observability.count("blob_put_raced");
    return store.pool().withTransaction(tx -> ChangeCounter.hold(tx, account)
        .compose(held -> written(tx, account, b, ctx, REPLACED)));
  }

  /** The PUT statement in a transaction that holds the account's counter row ({@link ChangeCounter#hold}). */
  private Future<PutOutcome.Stored> written(SqlClient tx, long account, BlobBody b, RequestContext ctx, String reason) {
    return store.put(tx, account, b, ctx, reason)
        .compose(outcome -> outcome instanceof PutOutcome.Raced
            ? Future.<PutOutcome.Stored>failedFuture(new IllegalStateException("blob PUT raced while holding the account's counter"))
            : decided(outcome, b));
  }

  /**
   * A revision's content written back as the type's new current version, in the caller's transaction, which holds
   * the account's counter row: the PUT statement with reason "restored" (what it replaces is always kept), so it is
   * refused as a PUT would be (409, 412, 413). The change notice is sent once the caller has committed.
   */
  public Future<Written> restore(SqlClient tx, long account, BlobBody b, RequestContext ctx) {
    return written(tx, account, b, ctx, RESTORED)
        .map(stored -> new Written(b.type(), stored.version(), b.size(), stored.updatedAt()));
  }

  /** Tells listeners (push to clients) that a restore committed. */
  public void restored(long account, Written w) {
    events.changed(account, w.type(), w.version(), false);
    Observability.count("blob_bytes_written", w.size());
  }

  private static Future<PutOutcome.Stored> decided(PutOutcome outcome, BlobBody b) {
    return outcome instanceof PutOutcome.Stored stored
        ? Future.succeededFuture(stored)
        : Future.failedFuture(refusal(outcome, b.type()));
  }

  /** The one place a PUT's refusal becomes the client's failure (its HTTP status and envelope). */
  static ServiceException refusal(PutOutcome outcome, String type) {
    if (outcome instanceof PutOutcome.AccountDeleting) {
      return ChangeCounter.deleting();
    } else if (outcome instanceof PutOutcome.TypeDisabled) {
      return new ServiceException(409, "Sync of " + type + " is disabled in sync config");
    } else if (outcome instanceof PutOutcome.PreconditionFailed stale) {
      return preconditionFailed(stale.current());
    } else if (outcome instanceof PutOutcome.QuotaExceeded over) {
      return quotaExceeded(over.quota(), over.used());
    }
    throw new IllegalStateException("not a refusal: " + outcome);
  }

  /** {type, if_match?} → message "Synced <type> cleared"; the delete takes a version too. */
  public Future<JsonObject> delete(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    String type = DataType.require(body.getValue("type")).wireName();
    Long ifMatch = Versions.expected(body);
    return store.pool().withTransaction(tx -> ChangeCounter.next(tx, account)
        .compose(next -> store.delete(tx, account, type, ifMatch, ctx).compose(deleted -> deleted
            ? Future.succeededFuture(next)
            : store.version(tx, account, type).compose(current -> Future.<Long>failedFuture(
                current == null ? notFound(type) : preconditionFailed(current))))))
        .map(version -> {
          events.changed(account, type, version, true);
          return Reply.message("Synced " + type + " cleared");
        });
  }

  /** 413 with {quota_bytes, used_bytes}: the write would take the account over its storage quota. */
  static ServiceException quotaExceeded(long quota, long used) {
    return new ServiceException(413, "Storage quota exceeded: this account may store " + quota
        + " bytes and would store " + used, new JsonObject().put("quota_bytes", quota).put("used_bytes", used));
  }

  private static ServiceException notFound(String type) {
    return ServiceException.notFound("Not found: no synced " + type);
  }

  private static ServiceException preconditionFailed(Long current) {
    return new ServiceException(412, PRECONDITION_FAILED, new JsonObject().put("version", current));
  }
}
