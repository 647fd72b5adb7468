package dev.flamingo.sync.data.blob;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Arrays;

/** SQL for encrypted blobs (the account's change counter is {@link ChangeCounter}). */
public final class BlobStore {
  static final String COLUMNS = "data_type, encrypted_blob, nonce, version, checksum, blob_size_bytes, updated_at";

  /** A list of items and the account's newest version, read in one snapshot. */
  public record Listing(long latestVersion, JsonArray items) {}

  private final Pool pool;

  public BlobStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** The current version of one item (-1 when missing) and the bytes the account's other items use. */
  public Future<long[]> currentAndOthers(SqlClient tx, long account, String type) {
    return tx.preparedQuery("select (select version from blobs where account_id = $1 and data_type = $2), "
            + "(select coalesce(sum(blob_size_bytes), 0) from blobs where account_id = $1 and data_type <> $2)")
        .execute(Tuple.of(account, type)).map(rows -> {
          Row r = rows.iterator().next();
          Long version = r.getLong(0);
          return new long[] {version == null ? -1 : version, r.getLong(1)};
        });
  }

  public Future<JsonObject> upsert(SqlClient tx, long account, String type, String blob, String nonce, String checksum,
      int size, long version) {
    return tx.preparedQuery("insert into blobs (account_id, data_type, encrypted_blob, nonce, checksum, blob_size_bytes, "
            + "version, updated_at) values ($1, $2, $3, $4, $5, $6, $7, now()) on conflict (account_id, data_type) do update "
            + "set encrypted_blob = excluded.encrypted_blob, nonce = excluded.nonce, checksum = excluded.checksum, "
            + "blob_size_bytes = excluded.blob_size_bytes, version = excluded.version, updated_at = now() "
            + "returning " + COLUMNS)
        .execute(Tuple.tuple(Arrays.asList(account, type, blob, nonce, checksum, size, version)))
        .map(rows -> item(rows.iterator().next()));
  }

  public Future<JsonObject> get(long account, String type) {
    return pool.preparedQuery("select " + COLUMNS + " from blobs where account_id = $1 and data_type = $2")
        .execute(Tuple.of(account, type))
        .map(rows -> rows.size() == 0 ? null : item(rows.iterator().next()));
  }

  /** The version of one item, or null when missing. */
  public Future<Long> version(SqlClient client, long account, String type) {
    return client.preparedQuery("select version from blobs where account_id = $1 and data_type = $2")
        .execute(Tuple.of(account, type))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
  }

  /**
   * Items changed after a version, or after a time, or all (both null), oldest change first, and the
   * account's newest version, in one statement (one snapshot): a client that asks again "since" that
   * version misses nothing committed meanwhile.
   */
  public Future<Listing> list(long account, Long sinceVersion, OffsetDateTime sinceTime) {
    return pool.preparedQuery("select s.latest, b." + COLUMNS.replace(", ", ", b.") + " from "
            + "(select coalesce((select last_version from change_seq where account_id = $1), 0) as latest) s "
            + "left join blobs b on b.account_id = $1 and ($2::bigint is null or b.version > $2) "
            + "and ($3::timestamptz is null or b.updated_at > $3) order by b.version")
        .execute(Tuple.of(account, sinceVersion, sinceTime)).map(rows -> {
          long latest = 0;
          JsonArray items = new JsonArray();
          for (Row r : rows) {
            latest = r.getLong("latest");
            if (r.getString("data_type") != null) {
              items.add(item(r));
            }
          }
          return new Listing(latest, items);
        });
  }

  /** Deletes one item (only at {@code ifVersion} when given); true when a row went. */
  public Future<Boolean> delete(SqlClient tx, long account, String type, Long ifVersion) {
    return tx.preparedQuery("delete from blobs where account_id = $1 and data_type = $2 "
            + "and ($3::bigint is null or version = $3)")
        .execute(Tuple.of(account, type, ifVersion))
        .map(rows -> rows.rowCount() == 1);
  }

  static JsonObject item(Row r) {
    return new JsonObject()
        .put("data_type", r.getString("data_type"))
        .put("encrypted_blob", r.getString("encrypted_blob"))
        .put("nonce", r.getString("nonce"))
        .put("version", r.getLong("version"))
        .put("checksum", r.getString("checksum"))
        .put("blob_size_bytes", r.getInteger("blob_size_bytes"))
        .put("updated_at", r.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
