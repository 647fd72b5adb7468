package dev.flamingo.sync.data.blob;

import dev.flamingo.sync.common.data.DataType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

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

  /**
   * The blob PUT as one statement, per type (the sync-config column is the type's). It decides from the
   * statement's snapshot, as a verdict ({@link PutOutcome}): deleting when the account's purge has begun,
   * disabled when the type is (no sync_config row: the defaults, all enabled), stale when If-Match ($7) names
   * another version than the item's (a missing item is -1, as before), over_quota when the account's other items
   * plus this one exceed its quota (its row in account_quotas, else $8); else (store) it takes the account's next
   * version and upserts the item.
   *
   * <p>Taking the version is a compare-and-set on the account's counter row: it moves from the value the
   * snapshot saw to that plus one, and only then. ON CONFLICT DO UPDATE … WHERE is evaluated by Postgres
   * against the newest committed row (READ COMMITTED, after waiting for its lock), and every change to an
   * account's blobs moves that counter in its own transaction (PUT, DELETE, the drop on a key rotation). So
   * when the set succeeds no change of the account committed after the snapshot (nor the purge's mark, which
   * the set also checks): the If-Match and quota
   * checks were made on the current state, and the counter row stays locked (counter first, then the blob
   * row, the same order as every other writer) until the statement commits, so versions commit in order.
   * When it fails (a concurrent write won) nothing is written and the counter does not move: the outcome is
   * {@link PutOutcome.Raced}. A refusal writes nothing either: it is a read of one consistent state.
   */
  public Future<PutOutcome> put(SqlClient client, long account, BlobBody b, long maxAccountBytes) {
    return client.preparedQuery(PUT_SQL.get(b.type()))
        .execute(Tuple.tuple(Arrays.asList(account, b.type(), b.blob(), b.nonce(), b.checksum(), b.size(), b.ifMatch(),
            maxAccountBytes)))
        .map(rows -> {
          Row r = rows.iterator().next();
          return switch (r.getString("verdict")) {
            case PutOutcome.STORE -> r.getLong("version") == null
                ? new PutOutcome.Raced()
                : new PutOutcome.Stored(r.getLong("version"), r.getOffsetDateTime("updated_at").toInstant());
            case PutOutcome.DELETING -> new PutOutcome.AccountDeleting();
            case PutOutcome.DISABLED -> new PutOutcome.TypeDisabled();
            case PutOutcome.STALE -> new PutOutcome.PreconditionFailed(r.getLong("cur"));
            case PutOutcome.OVER_QUOTA -> new PutOutcome.QuotaExceeded(r.getLong("quota"), r.getLong("used"));
            default -> throw new IllegalStateException("unknown blob PUT verdict " + r.getString("verdict"));
          };
        });
  }

  private static final Map<String, String> PUT_SQL = new HashMap<>();

  static {
    DataType.ALL.forEach(t -> PUT_SQL.put(t.wireName(), putSql(t.configKey())));
  }

  private static String putSql(String configColumn) {
    return "with snap as (select "
        + "(select last_version from change_seq where account_id = $1) as last, "
        + "(select version from blobs where account_id = $1 and data_type = $2) as cur, "
        + "(select coalesce(sum(blob_size_bytes), 0) from blobs where account_id = $1 and data_type <> $2) as others, "
        + "coalesce((select " + configColumn + " from sync_config where account_id = $1), true) as enabled, "
        + "coalesce((select max_bytes from account_quotas where account_id = $1), $8::bigint) as quota, "
        + "coalesce((select deleting from change_seq where account_id = $1), false) as deleting), "
        + "verdict as (select case when deleting then " + q(PutOutcome.DELETING)
        + " when not enabled then " + q(PutOutcome.DISABLED)
        + " when $7::bigint is not null and coalesce(cur, -1) <> $7::bigint then " + q(PutOutcome.STALE)
        + " when others + $6::int > quota then " + q(PutOutcome.OVER_QUOTA) + " else " + q(PutOutcome.STORE)
        + " end as verdict, last, cur, quota, others + $6::int as used "
        + "from snap), "
        + "seq as (insert into change_seq as s (account_id, last_version) "
        + "select $1, coalesce(last, 0) + 1 from verdict where verdict = " + q(PutOutcome.STORE) + " "
        + "on conflict (account_id) do update set last_version = excluded.last_version "
        + "where s.last_version = excluded.last_version - 1 and not s.deleting returning last_version), "
        + "up as (insert into blobs (account_id, data_type, encrypted_blob, nonce, checksum, blob_size_bytes, version, "
        + "updated_at) select $1, $2, $3, $4, $5, $6, last_version, now() from seq "
        + "on conflict (account_id, data_type) do update set encrypted_blob = excluded.encrypted_blob, "
        + "nonce = excluded.nonce, checksum = excluded.checksum, blob_size_bytes = excluded.blob_size_bytes, "
        + "version = excluded.version, updated_at = excluded.updated_at returning version, updated_at) "
        + "select v.verdict, v.cur, v.quota, v.used, u.version, u.updated_at from verdict v left join up u on true";
  }

  private static String q(String verdict) {
    return "'" + verdict + "'";
  }

  /** One item, or null: one statement. */
  public Future<BlobItem> get(long account, String type) {
    return pool.preparedQuery("select " + COLUMNS + " from blobs where account_id = $1 and data_type = $2")
        .execute(Tuple.of(account, type))
        .map(rows -> rows.size() == 0 ? null : blobItem(rows.iterator().next()));
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
   * version misses nothing committed meanwhile. With {@code limit} (null: all), only the first that many items.
   */
  public Future<Listing> list(long account, Long sinceVersion, OffsetDateTime sinceTime, Integer limit) {
    return pool.preparedQuery("select s.latest, b." + COLUMNS.replace(", ", ", b.") + " from "
            + "(select coalesce((select last_version from change_seq where account_id = $1), 0) as latest) s "
            + "left join blobs b on b.account_id = $1 and ($2::bigint is null or b.version > $2) "
            + "and ($3::timestamptz is null or b.updated_at > $3) order by b.version limit $4::int")
        .execute(Tuple.of(account, sinceVersion, sinceTime, limit)).map(rows -> {
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
    return blobItem(r).toJson();
  }

  static BlobItem blobItem(Row r) {
    return new BlobItem(r.getString("data_type"), r.getString("encrypted_blob"), r.getString("nonce"),
        r.getLong("version"), r.getString("checksum"), r.getInteger("blob_size_bytes"),
        r.getOffsetDateTime("updated_at").toInstant());
  }
}
