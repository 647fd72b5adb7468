package dev.flamingo.sync.data.revision;

import dev.flamingo.sync.data.blob.BlobItem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;

/**
 * The SQL of kept revisions (table {@code blob_revisions}, written and pruned by the blob PUT and DELETE) and of
 * the overwrite counters. A revision past the retention days ({@code days}, 0: no limit) is no longer shown even
 * before a write prunes it.
 */
final class RevisionStore {
  /** Not past the retention days, given as parameter {@code $n}. */
  private static String live(int n) {
    return "($" + n + "::int = 0 or kept_at >= now() - make_interval(days => $" + n + "::int))";
  }

  private final Pool pool;
  private final int days;

  RevisionStore(Pool pool, int days) {
    this.pool = pool;
    this.days = days;
  }

  Pool pool() {
    return pool;
  }

  /**
   * The type's revisions, newest first, as list items: those below version {@code before} (null: all), at most
   * {@code limit} (null: all), with their encrypted blob and nonce when {@code withBlobs}.
   */
  Future<JsonArray> list(long account, String type, Long before, Integer limit, boolean withBlobs) {
    return pool.preparedQuery("select version, blob_size_bytes, checksum, written_at, device_id, device_name, reason, "
            + "kept_at, by_other_device, replaced_by_device_id, replaced_by_device_name"
            + (withBlobs ? ", encrypted_blob, nonce" : "") + " from blob_revisions "
            + "where account_id = $1 and data_type = $2 and " + live(3) + " and ($4::bigint is null or version < $4) "
            + "order by version desc limit $5::int")
        .execute(Tuple.of(account, type, days, before, limit))
        .map(rows -> {
          JsonArray items = new JsonArray();
          for (Row r : rows) {
            JsonObject item = new JsonObject()
                .put("version", r.getLong("version"))
                .put("blob_size_bytes", r.getInteger("blob_size_bytes"))
                .put("checksum", r.getString("checksum"))
                .put("written_at", iso(r.getOffsetDateTime("written_at")))
                .put("device_id", r.getString("device_id"))
                .put("device_name", r.getString("device_name"))
                .put("reason", r.getString("reason"))
                .put("kept_at", iso(r.getOffsetDateTime("kept_at")))
                .put("replaced_by_other_device", r.getBoolean("by_other_device"))
                .put("replaced_by_device_id", r.getString("replaced_by_device_id"))
                .put("replaced_by_device_name", r.getString("replaced_by_device_name"));
            if (withBlobs) {
              item.put("encrypted_blob", r.getString("encrypted_blob")).put("nonce", r.getString("nonce"));
            }
            items.add(item);
          }
          return items;
        });
  }

  /** One revision as a blob item ({@code updated_at}: when that version was written), or null. */
  Future<BlobItem> get(SqlClient client, long account, String type, long version) {
    return client.preparedQuery("select data_type, encrypted_blob, nonce, version, checksum, blob_size_bytes, "
            + "written_at from blob_revisions where account_id = $1 and data_type = $2 and version = $4 and " + live(3))
        .execute(Tuple.of(account, type, days, version))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new BlobItem(r.getString("data_type"), r.getString("encrypted_blob"), r.getString("nonce"),
              r.getLong("version"), r.getString("checksum"), r.getInteger("blob_size_bytes"),
              r.getOffsetDateTime("written_at").toInstant());
        });
  }

  /** Deletes the revisions of a type (null: of every type); how many. */
  Future<Integer> purge(SqlClient tx, long account, String type) {
    return tx.preparedQuery("delete from blob_revisions where account_id = $1 and ($2::text is null or data_type = $2)")
        .execute(Tuple.of(account, type))
        .map(rows -> rows.rowCount());
  }

  /** Per type with revisions: {type, revision_count, revision_bytes, trashed (deleted, no current version)}. */
  Future<JsonArray> types(long account) {
    return pool.preparedQuery("select r.data_type, count(*) as n, sum(r.blob_size_bytes) as bytes, "
            + "bool_or(r.reason = 'deleted') and not exists (select 1 from blobs b where b.account_id = $1 "
            + "and b.data_type = r.data_type) as trashed from blob_revisions r where r.account_id = $1 and " + live(2)
            + " group by r.data_type order by r.data_type")
        .execute(Tuple.of(account, days))
        .map(rows -> {
          JsonArray types = new JsonArray();
          for (Row r : rows) {
            types.add(new JsonObject().put("type", r.getString("data_type")).put("revision_count", r.getLong("n"))
                .put("revision_bytes", r.getLong("bytes")).put("trashed", r.getBoolean("trashed")));
          }
          return types;
        });
  }

  /**
   * Overwrites by another device in the last 7 days (today and the 6 before), per type, writer and replaced writer,
   * with the devices' current names; older counters of the account are deleted on the way.
   */
  Future<JsonArray> overwrites(long account) {
    return pool.preparedQuery("with old as (delete from overwrite_counts where account_id = $1 "
            + "and day <= current_date - 7) "
            + "select o.data_type, o.device_id, d.name as device_name, o.replaced_device_id, "
            + "p.name as replaced_device_name, sum(o.count) as n from overwrite_counts o "
            + "left join device_names d on d.device_id = o.device_id "
            + "left join device_names p on p.device_id = o.replaced_device_id "
            + "where o.account_id = $1 and o.day > current_date - 7 "
            + "group by o.data_type, o.device_id, d.name, o.replaced_device_id, p.name order by n desc, o.data_type")
        .execute(Tuple.of(account))
        .map(rows -> {
          JsonArray items = new JsonArray();
          for (Row r : rows) {
            items.add(new JsonObject().put("type", r.getString("data_type"))
                .put("device_id", r.getString("device_id")).put("device_name", r.getString("device_name"))
                .put("replaced_device_id", r.getString("replaced_device_id"))
                .put("replaced_device_name", r.getString("replaced_device_name"))
                .put("count", r.getLong("n")));
          }
          return items;
        });
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
