package dev.flamingo.sync.data.blob;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.data.support.DataSettings;
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
  private final DataSettings settings;

  public BlobStore(Pool pool, DataSettings settings) {
    this.pool = pool;
    this.settings = settings;
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
   *
   * <p>Revisions (issue 23), in the same statement: the replaced version is copied to {@code blob_revisions}
   * ({@code reason}: "replaced" by a PUT, "restored" by a restore, which always keeps) when revisions are on, it fits
   * the quota beside the current data, and it was written by another device or the type's last revision kept is older
   * than FLAMINGO_REVISIONS_EVERY; revisions beyond the retention days, beyond KEEP per type and, oldest first, over
   * the quota are deleted. The writer's device ({@code ctx}'s) and its name (from {@code device_names}, null when not
   * known) are stored with the new version. An overwrite by another device is counted ({@code overwrite_counts}) and
   * audited ({@code data.overwritten}, in the outbox).
   */
  public Future<PutOutcome> put(SqlClient client, long account, BlobBody b, RequestContext ctx, String reason) {
    return client.preparedQuery(PUT_SQL.get(b.type()))
        .execute(Tuple.tuple(Arrays.asList(account, b.type(), b.blob(), b.nonce(), b.checksum(), b.size(), b.ifMatch(),
            settings.maxAccountBytes(), ctx.deviceId(), settings.revisionEverySeconds(), settings.revisionDays(),
            settings.revisionKeep(), reason, ctx.clientIp(), ctx.userAgent())))
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
        + "c.version as cur, c.blob_size_bytes as cur_size, c.device_id as cur_device, c.device_name as cur_device_name, "
        + "(select coalesce(sum(blob_size_bytes), 0) from blobs where account_id = $1 and data_type <> $2) as others, "
        + "coalesce((select " + configColumn + " from sync_config where account_id = $1), true) as enabled, "
        + "coalesce((select max_bytes from account_quotas where account_id = $1), $8::bigint) as quota, "
        + "coalesce((select deleting from change_seq where account_id = $1), false) as deleting, "
        + "(select kept_at from blob_revisions where account_id = $1 and data_type = $2 order by version desc limit 1) "
        + "as last_kept, "
        + "(select coalesce(sum(blob_size_bytes), 0) from blob_revisions where account_id = $1) as rev_bytes, "
        + "(select name from device_names where device_id = $9::text) as my_name "
        + "from (select 1) one left join blobs c on c.account_id = $1 and c.data_type = $2), "
        + "judged as (select *, (cur_device is not null and $9::text is not null and cur_device <> $9::text) as other, "
        + "(cur is not null and $11::int > 0 and $12::int > 0 and others + $6::int + cur_size <= quota "
        + "and ($13::text = 'restored' or (cur_device is not null and $9::text is not null and cur_device <> $9::text) "
        + "or last_kept is null or last_kept < now() - make_interval(secs => $10::int))) as keep from snap), "
        + "verdict as (select case when deleting then " + q(PutOutcome.DELETING)
        + " when not enabled then " + q(PutOutcome.DISABLED)
        + " when $7::bigint is not null and coalesce(cur, -1) <> $7::bigint then " + q(PutOutcome.STALE)
        + " when others + $6::int > quota then " + q(PutOutcome.OVER_QUOTA) + " else " + q(PutOutcome.STORE)
        + " end as verdict, last, cur, quota, others + $6::int as used, cur_device, cur_device_name, my_name, other, "
        + "keep, others + $6::int + rev_bytes + case when keep then cur_size else 0 end - quota as over "
        + "from judged), "
        + "seq as (insert into change_seq as s (account_id, last_version) "
        + "select $1, coalesce(last, 0) + 1 from verdict where verdict = " + q(PutOutcome.STORE) + " "
        + "on conflict (account_id) do update set last_version = excluded.last_version "
        + "where s.last_version = excluded.last_version - 1 and not s.deleting returning last_version), "
        // the replaced version, as the snapshot saw it (seq succeeded: nothing changed since), kept when the rules say
        + "kept as (insert into blob_revisions (account_id, data_type, version, encrypted_blob, nonce, checksum, "
        + "blob_size_bytes, written_at, device_id, device_name, reason, replaced_by_device_id, replaced_by_device_name, "
        + "by_other_device) select b.account_id, b.data_type, b.version, b.encrypted_blob, b.nonce, b.checksum, "
        + "b.blob_size_bytes, b.updated_at, b.device_id, b.device_name, $13::text, $9::text, v.my_name, v.other "
        + "from blobs b cross join verdict v where b.account_id = $1 and b.data_type = $2 and v.keep "
        + "and exists (select 1 from seq) on conflict do nothing returning version), "
        + "up as (insert into blobs (account_id, data_type, encrypted_blob, nonce, checksum, blob_size_bytes, version, "
        + "updated_at, device_id, device_name) select $1, $2, $3, $4, $5, $6, s.last_version, now(), $9::text, v.my_name "
        + "from seq s cross join verdict v "
        + "on conflict (account_id, data_type) do update set encrypted_blob = excluded.encrypted_blob, "
        + "nonce = excluded.nonce, checksum = excluded.checksum, blob_size_bytes = excluded.blob_size_bytes, "
        + "version = excluded.version, updated_at = excluded.updated_at, device_id = excluded.device_id, "
        + "device_name = excluded.device_name returning version, updated_at), "
        + prune()
        + "pruned as (delete from blob_revisions r using sized z, verdict v where r.account_id = $1 "
        + "and r.data_type = z.data_type and r.version = z.version and exists (select 1 from seq) "
        + "and (z.expired or z.cum - z.blob_size_bytes < v.over - z.expired_bytes) returning r.version), "
        // an overwrite by another device: counted, and audited through the outbox (a restore is audited on its own)
        + "ow as (insert into overwrite_counts as o (account_id, data_type, device_id, replaced_device_id, day, count) "
        + "select $1, $2, $9::text, v.cur_device, current_date, 1 from verdict v "
        + "where v.other and $13::text = 'replaced' and exists (select 1 from seq) "
        + "on conflict (account_id, data_type, device_id, replaced_device_id, day) do update set count = o.count + 1 "
        + "returning 1), "
        + "audit as (insert into outbox (event_id, topic, payload) select e.id, " + q(Addresses.EVENT_AUDIT) + ", "
        + "jsonb_build_object('event_id', e.id::text, 'event_type', 'data.overwritten', 'account_id', $1::bigint, "
        + "'device_id', $9::text, 'ip', $14::text, 'user_agent', $15::text, 'metadata', jsonb_build_object("
        + "'data_type', $2::text, 'version', s.last_version, 'replaced_version', v.cur, 'replaced_device_id', v.cur_device, "
        + "'replaced_device_name', v.cur_device_name, 'kept', v.keep), "
        + "'created_at', to_char(now() at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')) "
        + "from verdict v cross join seq s cross join (select gen_random_uuid() as id) e "
        + "where v.other and $13::text = 'replaced' returning 1) "
        + "select v.verdict, v.cur, v.quota, v.used, u.version, u.updated_at from verdict v left join up u on true";
  }

  /**
   * The revisions a write may prune ({@code cand}, {@code sized}): those older than the retention days, those beyond
   * KEEP per type (counting the one this write keeps), and, oldest first, as many as needed for the account's current
   * data and revisions to fit its quota ({@code over}: the bytes above it). Only the rows that can go are read: the
   * type's, the expired, or all of the account's when it is over.
   */
  private static String prune() {
    return "cand as (select r.data_type, r.version, r.blob_size_bytes, r.kept_at, "
      + "(($11::int > 0 and r.kept_at < now() - make_interval(days => $11::int)) or ($12::int > 0 "
      + "and row_number() over (partition by r.data_type order by r.version desc) "
      + "+ case when r.data_type = $2 and v.keep then 1 else 0 end > $12::int)) as expired "
      + "from blob_revisions r cross join verdict v where r.account_id = $1 and v.verdict = " + q(PutOutcome.STORE)
      + " and (v.over > 0 or r.data_type = $2 or ($11::int > 0 and r.kept_at < now() - make_interval(days => $11::int)))), "
      + "sized as (select c.*, sum(case when c.expired then 0 else c.blob_size_bytes end) "
      + "over (order by c.kept_at, c.version rows between unbounded preceding and current row) as cum, "
      + "sum(case when c.expired then c.blob_size_bytes else 0 end) over () as expired_bytes from cand c), ";
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

  /**
   * Deletes one item (only at {@code ifVersion} when given); true when a row went. What it deleted is kept as a
   * revision (reason "deleted": the trash) when revisions are on, and the type's revisions beyond the retention days
   * and KEEP go; the account's bytes do not grow (the current version becomes a revision), so the quota prunes none.
   */
  public Future<Boolean> delete(SqlClient tx, long account, String type, Long ifVersion, RequestContext ctx) {
    return tx.preparedQuery("with gone as (delete from blobs where account_id = $1 and data_type = $2 "
            + "and ($3::bigint is null or version = $3) returning *), "
            + "kept as (insert into blob_revisions (account_id, data_type, version, encrypted_blob, nonce, checksum, "
            + "blob_size_bytes, written_at, device_id, device_name, reason, replaced_by_device_id, "
            + "replaced_by_device_name, by_other_device) select g.account_id, g.data_type, g.version, g.encrypted_blob, "
            + "g.nonce, g.checksum, g.blob_size_bytes, g.updated_at, g.device_id, g.device_name, 'deleted', $4::text, "
            + "(select name from device_names where device_id = $4::text), "
            + "(g.device_id is not null and $4::text is not null and g.device_id <> $4::text) "
            + "from gone g where $5::int > 0 and $6::int > 0 on conflict do nothing returning version), "
            + "pruned as (delete from blob_revisions r where r.account_id = $1 and exists (select 1 from gone) and "
            + "(($5::int > 0 and r.kept_at < now() - make_interval(days => $5::int)) or ($6::int > 0 and r.data_type = $2 "
            + "and r.version in (select version from blob_revisions where account_id = $1 and data_type = $2 "
            + "order by version desc offset $6::int - case when $5::int > 0 then 1 else 0 end))) returning 1) "
            + "select count(*) from gone")
        .execute(Tuple.tuple(Arrays.asList(account, type, ifVersion, ctx.deviceId(), settings.revisionDays(),
            settings.revisionKeep())))
        .map(rows -> rows.iterator().next().getLong(0) == 1);
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
