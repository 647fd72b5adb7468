package dev.flamingo.sync.device.device;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The SQL of the devices table. Every read and write of a caller's device is scoped by its account. */
public final class DeviceStore {
  private static final String COLUMNS =
      "id, account_id, name, device_type, created_at, last_seen_at, last_ip, session_expires_at";

  private final Pool pool;

  public DeviceStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Creates the device of a new session, or (same device_id: a rotation or a replayed event) only moves
   * its session expiry and last-seen forward. Never un-revokes a device, never moves it to another account.
   */
  public Future<Void> upsert(SessionCreated s) {
    return upsert(pool, s);
  }

  /** {@link #upsert(SessionCreated)} inside the caller's transaction. */
  public Future<Void> upsert(SqlClient client, SessionCreated s) {
    return client.preparedQuery("""
            insert into devices (id, account_id, name, device_type, created_at, last_seen_at, last_ip, user_agent,
                                 session_expires_at)
            values ($1, $2, $3, $4, $5, $5, $6, $7, $8)
            on conflict (id) do update set
              session_expires_at = greatest(devices.session_expires_at, excluded.session_expires_at),
              last_ip = case when devices.last_seen_at is null or excluded.last_seen_at > devices.last_seen_at
                             then coalesce(excluded.last_ip, devices.last_ip) else devices.last_ip end,
              last_seen_at = greatest(devices.last_seen_at, excluded.last_seen_at)
            where devices.account_id = excluded.account_id""")
        .execute(Tuple.of(s.deviceId(), s.accountId(), s.deviceName(), s.deviceType(), s.createdAt(), s.ip(),
            s.userAgent(), s.expiresAt()))
        .mapEmpty();
  }

  /** The account's devices that are not revoked, newest first. */
  public Future<List<Device>> listLive(long accountId) {
    return pool.preparedQuery("select " + COLUMNS + " from devices where account_id = $1 and revoked_at is null "
            + "order by created_at desc, id desc")
        .execute(Tuple.of(accountId))
        .map(DeviceStore::devices);
  }

  /** Marks one live device of the account revoked; null when there is no such device (unknown, other account, revoked). */
  public Future<Device> markRevoked(long accountId, UUID id) {
    return pool.preparedQuery("update devices set revoked_at = now() where id = $1 and account_id = $2 "
            + "and revoked_at is null returning " + COLUMNS)
        .execute(Tuple.of(id, accountId))
        .map(rows -> rows.iterator().hasNext() ? device(rows.iterator().next()) : null);
  }

  /** Marks every live device of the account but {@code keep} revoked; returns their ids. */
  /** Marks every live device of the account but {@code keep} (null: every device) revoked. */
  public Future<List<UUID>> markOthersRevoked(long accountId, UUID keep) {
    return pool.preparedQuery("update devices set revoked_at = now() where account_id = $1 and revoked_at is null "
            + "and id is distinct from $2::uuid returning id")
        .execute(Tuple.of(accountId, keep))
        .map(rows -> {
          List<UUID> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getUUID("id")));
          return ids;
        });
  }

  /** Marks these live devices of the account revoked (their sessions ended elsewhere); how many. */
  public Future<Integer> markSignedOut(long accountId, UUID[] ids) {
    return markSignedOut(pool, accountId, ids);
  }

  /** {@link #markSignedOut(long, UUID[])} inside the caller's transaction. */
  public Future<Integer> markSignedOut(SqlClient client, long accountId, UUID[] ids) {
    return client.preparedQuery("update devices set revoked_at = now() where account_id = $1 and id = any($2::uuid[]) "
            + "and revoked_at is null")
        .execute(Tuple.tuple().addLong(accountId).addValue(ids))
        .map(rows -> rows.rowCount());
  }

  /** Takes back a revocation that could not be completed (auth-service did not sign the sessions out). */
  public Future<Void> unmarkRevoked(long accountId, List<UUID> ids) {
    return pool.preparedQuery("update devices set revoked_at = null where account_id = $1 and id = any($2::uuid[])")
        .execute(Tuple.tuple().addLong(accountId).addValue(ids.toArray(new UUID[0])))
        .mapEmpty();
  }

  /** Renames a live device of the account; null when there is none. Returns the device and its old name. */
  public Future<Renamed> rename(long accountId, UUID id, String name) {
    return pool.preparedQuery("""
            with old as (
              select id, name from devices where id = $1 and account_id = $2 and revoked_at is null for update)
            update devices d set name = $3 from old where d.id = old.id
            returning d.id, d.account_id, d.name, d.device_type, d.created_at, d.last_seen_at, d.last_ip,
                      d.session_expires_at, old.name as old_name""")
        .execute(Tuple.of(id, accountId, name))
        .map(rows -> {
          if (!rows.iterator().hasNext()) {
            return null;
          }
          Row row = rows.iterator().next();
          return new Renamed(device(row), row.getString("old_name"));
        });
  }

  public record Renamed(Device device, String oldName) {}

  /**
   * Moves last_seen_at (and last_ip) forward for many devices in one statement; an older sighting never
   * overwrites a newer one. Returns the number of rows updated.
   */
  public Future<Integer> updateLastSeen(UUID[] ids, OffsetDateTime[] seen, String[] ips) {
    return pool.preparedQuery("""
            update devices d set last_seen_at = v.seen, last_ip = coalesce(v.ip, d.last_ip)
            from (select unnest($1::uuid[]), unnest($2::timestamptz[]), unnest($3::text[])) v(id, seen, ip)
            where d.id = v.id and (d.last_seen_at is null or d.last_seen_at < v.seen)""")
        .execute(Tuple.of(ids, seen, ips))
        .map(RowSet::rowCount);
  }

  /** Deletes the devices revoked before {@code cutoff}; returns how many. */
  public Future<Integer> deleteRevokedBefore(OffsetDateTime cutoff) {
    return pool.preparedQuery("delete from devices where revoked_at < $1")
        .execute(Tuple.of(cutoff))
        .map(RowSet::rowCount);
  }

  private static List<Device> devices(RowSet<Row> rows) {
    List<Device> list = new ArrayList<>(rows.size());
    rows.forEach(r -> list.add(device(r)));
    return list;
  }

  private static Device device(Row r) {
    return new Device(
        r.getUUID("id"),
        r.getLong("account_id"),
        r.getString("name"),
        r.getString("device_type"),
        r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("last_seen_at"),
        r.getString("last_ip"),
        r.getOffsetDateTime("session_expires_at"));
  }
}
