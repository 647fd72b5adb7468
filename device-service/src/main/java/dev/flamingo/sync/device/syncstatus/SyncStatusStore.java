package dev.flamingo.sync.device.syncstatus;

import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.device.support.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The SQL of the sync_status table. */
public final class SyncStatusStore {
  private final Pool pool;

  public SyncStatusStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Moves each outcome forward in one statement, for live devices of the account the report names only; an older
   * outcome never replaces a newer one. Returns the number of rows written. One report per device and type.
   */
  Future<Integer> record(Collection<SyncReport> reports) {
    int n = reports.size();
    UUID[] devices = new UUID[n];
    Long[] accounts = new Long[n];
    String[] types = new String[n];
    OffsetDateTime[] uploads = new OffsetDateTime[n];
    OffsetDateTime[] downloads = new OffsetDateTime[n];
    OffsetDateTime[] refusals = new OffsetDateTime[n];
    Integer[] statuses = new Integer[n];
    String[] messages = new String[n];
    int i = 0;
    for (SyncReport r : reports) {
      devices[i] = r.deviceId();
      accounts[i] = r.accountId();
      types[i] = r.type();
      uploads[i] = r.uploadAt();
      downloads[i] = r.downloadAt();
      refusals[i] = r.refusedAt();
      statuses[i] = r.refusedStatus();
      messages[i] = r.refusedMessage();
      i++;
    }
    return pool.preparedQuery("""
            insert into sync_status as s (device_id, data_type, last_upload_at, last_download_at, last_refused_at,
                                          last_refused_status, last_refused_message)
            select v.device_id, v.data_type, v.upload_at, v.download_at, v.refused_at, v.refused_status, v.message
            from unnest($1::uuid[], $2::bigint[], $3::text[], $4::timestamptz[], $5::timestamptz[],
                        $6::timestamptz[], $7::int[], $8::text[])
                 v(device_id, account_id, data_type, upload_at, download_at, refused_at, refused_status, message)
            join devices d on d.id = v.device_id and d.account_id = v.account_id and d.revoked_at is null
            on conflict (device_id, data_type) do update set
              last_upload_at = greatest(s.last_upload_at, excluded.last_upload_at),
              last_download_at = greatest(s.last_download_at, excluded.last_download_at),
              last_refused_status = case when excluded.last_refused_at > coalesce(s.last_refused_at, '-infinity')
                                         then excluded.last_refused_status else s.last_refused_status end,
              last_refused_message = case when excluded.last_refused_at > coalesce(s.last_refused_at, '-infinity')
                                          then excluded.last_refused_message else s.last_refused_message end,
              last_refused_at = greatest(s.last_refused_at, excluded.last_refused_at)""")
        .execute(Tuple.of(devices, accounts, types, uploads, downloads, refusals, statuses, messages))
        .map(RowSet::rowCount);
  }

  /**
   * The sync status of the account's live devices: device id → {@code [{type, last_upload_at, last_download_at,
   * last_refused_at, last_refused_status, last_refused_message}]}, in the data types' order.
   */
  public Future<Map<UUID, JsonArray>> forAccount(long accountId) {
    return pool.preparedQuery("""
            select s.* from sync_status s join devices d on d.id = s.device_id
            where d.account_id = $1 and d.revoked_at is null""")
        .execute(Tuple.of(accountId))
        .map(rows -> {
          Map<UUID, JsonObject[]> byDevice = new HashMap<>();
          for (Row r : rows) {
            DataType.of(r.getString("data_type")).ifPresent(t -> byDevice
                .computeIfAbsent(r.getUUID("device_id"), id -> new JsonObject[DataType.ALL.size()])[t.ordinal()] =
                json(t, r));
          }
          Map<UUID, JsonArray> result = new HashMap<>();
          byDevice.forEach((id, items) -> {
            JsonArray array = new JsonArray();
            for (JsonObject item : items) {
              if (item != null) {
                array.add(item);
              }
            }
            result.put(id, array);
          });
          return result;
        });
  }

  private static JsonObject json(DataType type, Row r) {
    return new JsonObject()
        .put("type", type.wireName())
        .put("last_upload_at", Times.iso(r.getOffsetDateTime("last_upload_at")))
        .put("last_download_at", Times.iso(r.getOffsetDateTime("last_download_at")))
        .put("last_refused_at", Times.iso(r.getOffsetDateTime("last_refused_at")))
        .put("last_refused_status", r.getInteger("last_refused_status"))
        .put("last_refused_message", r.getString("last_refused_message"));
  }
}
