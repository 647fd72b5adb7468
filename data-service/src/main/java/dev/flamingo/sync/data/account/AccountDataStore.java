package dev.flamingo.sync.data.account;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** The SQL of operators' tools on an account's data: usage, quotas, totals, and removing everything. */
public final class AccountDataStore {
  private final Pool pool;

  public AccountDataStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /**
   * Per account of {@code ids}: {bytes, blobs, quota_bytes (null: the default), revision_bytes (kept revisions, which
   * count against the quota too)}, keyed by the id as a string.
   */
  public Future<JsonObject> usage(Long[] ids) {
    return pool.preparedQuery("select a.id, coalesce(b.bytes, 0) as bytes, coalesce(b.blobs, 0) as blobs, "
            + "q.max_bytes, coalesce(r.bytes, 0) as revision_bytes from unnest($1::bigint[]) as a(id) "
            + "left join (select account_id, sum(blob_size_bytes) as bytes, count(*) as blobs from blobs "
            + "where account_id = any($1::bigint[]) group by account_id) b on b.account_id = a.id "
            + "left join account_quotas q on q.account_id = a.id "
            + "left join (select account_id, sum(blob_size_bytes) as bytes from blob_revisions "
            + "where account_id = any($1::bigint[]) group by account_id) r on r.account_id = a.id")
        .execute(Tuple.of(ids))
        .map(rows -> {
          JsonObject usage = new JsonObject();
          for (Row r : rows) {
            usage.put(String.valueOf(r.getLong("id")), new JsonObject().put("bytes", r.getLong("bytes"))
                .put("blobs", r.getLong("blobs")).put("quota_bytes", r.getLong("max_bytes"))
                .put("revision_bytes", r.getLong("revision_bytes")));
          }
          return usage;
        });
  }

  /**
   * The account's own quota (null: the default applies), the bytes its current blobs take and those its kept
   * revisions take, in one statement.
   */
  public Future<long[]> quotaAndUse(long account, long defaultQuota) {
    return pool.preparedQuery("select coalesce((select max_bytes from account_quotas where account_id = $1), $2), "
            + "(select coalesce(sum(blob_size_bytes), 0) from blobs where account_id = $1), "
            + "(select coalesce(sum(blob_size_bytes), 0) from blob_revisions where account_id = $1)")
        .execute(Tuple.of(account, defaultQuota))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new long[] {r.getLong(0), r.getLong(1), r.getLong(2)};
        });
  }

  /** Sets the account's quota; null removes it (the default applies again). */
  public Future<Void> setQuota(SqlClient tx, long account, Long maxBytes) {
    if (maxBytes == null) {
      return tx.preparedQuery("delete from account_quotas where account_id = $1").execute(Tuple.of(account)).mapEmpty();
    }
    return tx.preparedQuery("insert into account_quotas (account_id, max_bytes) values ($1, $2) "
            + "on conflict (account_id) do update set max_bytes = excluded.max_bytes, updated_at = now()")
        .execute(Tuple.of(account, maxBytes)).mapEmpty();
  }

  /** {bytes, blobs, keys} over every account. */
  public Future<JsonObject> totals() {
    return pool.query("select (select coalesce(sum(blob_size_bytes), 0) from blobs) as bytes, "
            + "(select count(*) from blobs) as blobs, (select count(*) from master_keys) as keys")
        .execute().map(rows -> {
          Row r = rows.iterator().next();
          return new JsonObject().put("bytes", r.getLong("bytes")).put("blobs", r.getLong("blobs"))
              .put("keys", r.getLong("keys"));
        });
  }

  /**
   * Removes every row of the account in this schema (its outbox events excepted: they carry no user data; its
   * change counter row stays, marked as being deleted, so no later write is taken); how many.
   */
  public Future<Integer> purge(SqlClient tx, long account) {
    Tuple id = Tuple.of(account);
    return tx.preparedQuery("with b as (delete from blobs where account_id = $1 returning 1), "
            + "k as (delete from master_keys where account_id = $1 returning 1), "
            + "c as (delete from sync_config where account_id = $1 returning 1), "
            + "q as (delete from account_quotas where account_id = $1 returning 1), "
            + "r as (delete from blob_revisions where account_id = $1 returning 1), "
            + "o as (delete from overwrite_counts where account_id = $1 returning 1), "
            + "n as (delete from device_names where account_id = $1 returning 1) "
            + "select (select count(*) from b) + (select count(*) from k) + (select count(*) from c) "
            + "+ (select count(*) from q) + (select count(*) from r) + (select count(*) from o) "
            + "+ (select count(*) from n)")
        .execute(id).map(rows -> rows.iterator().next().getInteger(0));
  }
}
