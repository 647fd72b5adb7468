package dev.flamingo.sync.data.account;

import dev.flamingo.sync.common.bus.AccountIds;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.data.blob.ChangeCounter;
import dev.flamingo.sync.data.support.DataSettings;
import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.data.support.Events;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An account's data as a whole: its limits and storage use, and the operators' tools on it (usage, quotas,
 * totals, removing everything when the account is deleted). The admin check is the gateway's: these addresses
 * are for certificate-holding nodes only, like every other.
 */
public final class AccountDataService {

  private final AccountDataStore store;
  private final DataSettings limits;
  private final Events events;

  public AccountDataService(AccountDataStore store, DataSettings limits, Events events) {
    this.store = store;
    this.limits = limits;
    this.events = events;
  }

  /**
   * DATA_LIMITS → {max_blob_bytes, max_account_bytes (this account's quota), used_bytes (current versions),
   * data_types, revision_bytes (kept revisions: they count against the quota, and are pruned before a PUT is refused)}.
   */
  public Future<JsonObject> limits(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    return store.quotaAndUse(account, limits.maxAccountBytes()).map(q -> Reply.data(new JsonObject()
        .put("max_blob_bytes", limits.maxBlobBytes())
        .put("max_account_bytes", q[0])
        .put("used_bytes", q[1])
        .put("data_types", new JsonArray(DataType.wireNames()))
        .put("revision_bytes", q[2])));
  }

  /** DATA_ADMIN_USAGE {account_ids} → {usage: {"<id>": {bytes, blobs, quota_bytes, revision_bytes}}, default_quota_bytes}. */
  public Future<JsonObject> usage(JsonObject body, RequestContext ctx) {
    Long[] ids = AccountIds.list(body);
    return store.usage(ids).map(usage -> Reply.data(new JsonObject().put("usage", usage)
        .put("default_quota_bytes", limits.maxAccountBytes())));
  }

  /**
   * DATA_ADMIN_QUOTA_PUT {account_id, quota_bytes (null: the default)} → {account_id, quota_bytes,
   * default_quota_bytes}; audited as {@code admin.quota.set} of the calling (admin) account.
   */
  public Future<JsonObject> setQuota(JsonObject body, RequestContext ctx) {
    ctx.requireAccount();
    long account = AccountIds.one(body);
    Object raw = body.getValue("quota_bytes");
    Long quota;
    if (raw == null) {
      quota = null;
    } else if ((raw instanceof Integer || raw instanceof Long) && ((Number) raw).longValue() >= 0) {
      quota = ((Number) raw).longValue();
    } else {
      throw ServiceException.badRequest("quota_bytes must be a whole number of bytes (0 or more), or null for the default");
    }
    return store.pool().withTransaction(tx -> ChangeCounter.hold(tx, account).compose(v -> store.setQuota(tx, account, quota))
            .compose(v -> events.audit(tx, "admin.quota.set", ctx, new JsonObject().put("target_account_id", account)
                .put("quota_bytes", quota))))
        .map(v -> Reply.data(new JsonObject().put("account_id", account).put("quota_bytes", quota)
            .put("default_quota_bytes", limits.maxAccountBytes())));
  }

  /** DATA_ADMIN_TOTALS → {bytes, blobs, keys}. */
  public Future<JsonObject> totals(JsonObject body, RequestContext ctx) {
    return store.totals().map(Reply::data);
  }

  /**
   * DATA_ACCOUNT_PURGE {account_id} → {rows}: every row of the account here is gone (again: 0). It first marks
   * the account as being deleted ({@link ChangeCounter#markDeleting}, which waits for the writes in flight), so
   * every later write of the account is refused (409) and none is left behind.
   */
  public Future<JsonObject> purge(JsonObject body, RequestContext ctx) {
    long account = AccountIds.one(body);
    return store.pool().withTransaction(tx -> ChangeCounter.markDeleting(tx, account).compose(v -> store.purge(tx, account)))
        .map(rows -> Reply.data(new JsonObject().put("rows", rows)));
  }
}
