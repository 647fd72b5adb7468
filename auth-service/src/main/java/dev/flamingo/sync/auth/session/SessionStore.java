package dev.flamingo.sync.auth.session;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL for sessions (one per paired device; rotation replaces the row, keeping the device). */
public final class SessionStore {
  /** A session row; the token itself is never stored, only its SHA-256. */
  public record Session(UUID id, byte[] tokenHash, String tokenPrefix, long accountId, UUID deviceId,
      String deviceName, String deviceType, OffsetDateTime createdAt, OffsetDateTime expiresAt, OffsetDateTime revokedAt,
      byte[] keyGrant) {
    static Session of(Row r) {
      io.vertx.core.buffer.Buffer grant = r.getBuffer("key_grant");
      return new Session(r.getUUID("id"), r.getBuffer("token_hash").getBytes(), r.getString("token_prefix"),
          r.getLong("account_id"), r.getUUID("device_id"), r.getString("device_name"), r.getString("device_type"),
          r.getOffsetDateTime("created_at"), r.getOffsetDateTime("expires_at"), r.getOffsetDateTime("revoked_at"),
          grant == null ? null : grant.getBytes());
    }
  }

  private final Pool pool;

  public SessionStore(Pool pool) {
    this.pool = pool;
  }

  /** A new session; {@code grant} is its key grant (null: none). */
  public Future<Session> insert(SqlClient client, UUID id, byte[] hash, String prefix, long account, UUID device,
      String name, String type, OffsetDateTime expiresAt, byte[] grant) {
    return client.preparedQuery("insert into sessions (id, token_hash, token_prefix, account_id, device_id, device_name, "
            + "device_type, expires_at, key_grant) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *")
        .execute(Tuple.tuple(java.util.Arrays.asList(id, io.vertx.core.buffer.Buffer.buffer(hash), prefix, account, device,
            name, type, expiresAt, grant == null ? null : io.vertx.core.buffer.Buffer.buffer(grant))))
        .map(rows -> Session.of(rows.iterator().next()));
  }

  public Future<Session> byHash(byte[] hash) {
    return pool.preparedQuery("select * from sessions where token_hash = $1")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)))
        .map(rows -> rows.size() == 0 ? null : Session.of(rows.iterator().next()));
  }

  /**
   * Locks the account's row for the rest of the transaction. Every path that creates a session for an
   * account and every revocation takes this lock first, so a revocation never misses a session that a
   * concurrent rotation or token exchange inserts (each statement after the lock sees what the other committed).
   * False when the account does not exist.
   */
  public Future<Boolean> lockAccount(SqlClient tx, long account) {
    return lockAccount(tx, account, false);
  }

  /** {@link #lockAccount(SqlClient, long)}; with {@code live}, false too when the account is disabled or being deleted. */
  public Future<Boolean> lockAccount(SqlClient tx, long account, boolean live) {
    if (live) {
      return tx.preparedQuery("select disabled_at is null and deleting_at is null from accounts where id = $1 for update")
          .execute(Tuple.of(account)).map(rows -> rows.size() == 1 && rows.iterator().next().getBoolean(0));
    }
    return tx.preparedQuery("select id from accounts where id = $1 for update")
        .execute(Tuple.of(account)).map(rows -> rows.size() == 1);
  }

  /** The account of a session (live or not); null when unknown. */
  public Future<Long> accountOf(SqlClient client, UUID session) {
    return client.preparedQuery("select account_id from sessions where id = $1")
        .execute(Tuple.of(session))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong("account_id"));
  }

  /** Revokes a live session as replaced by {@code replacement}; the old row, or null if it was not live. */
  public Future<Session> retire(SqlClient client, UUID id, UUID replacement) {
    return client.preparedQuery("with old as (select id, key_grant from sessions where id = $1 for update) "
            + "update sessions s set revoked_at = now(), revoke_reason = 'rotated', replaced_by = $2, key_grant = null "
            + "from old where s.id = old.id and s.revoked_at is null and s.expires_at > now() returning s.id, s.token_hash, "
            + "s.token_prefix, s.account_id, s.device_id, s.device_name, s.device_type, s.created_at, s.expires_at, "
            + "s.revoked_at, old.key_grant")
        .execute(Tuple.of(id, replacement))
        .map(rows -> rows.size() == 0 ? null : Session.of(rows.iterator().next()));
  }

  /** Revokes one live session; false if it was not live. */
  public Future<Boolean> revoke(SqlClient tx, UUID id, String reason) {
    return tx.preparedQuery("update sessions set revoked_at = now(), revoke_reason = $2, key_grant = null "
            + "where id = $1 and revoked_at is null")
        .execute(Tuple.of(id, reason)).map(rows -> rows.rowCount() == 1);
  }

  /** Revokes every live session of these devices of the account; the ids revoked. */
  public Future<List<UUID>> revokeDevices(SqlClient tx, long account, UUID[] devices, String reason) {
    return tx.preparedQuery("update sessions set revoked_at = now(), revoke_reason = $3, key_grant = null "
            + "where account_id = $1 and device_id = any($2) and revoked_at is null returning id")
        .execute(Tuple.of(account, devices, reason)).map(SessionStore::ids);
  }

  /** Revokes every live session of the account; the (session id, device id) pairs revoked. */
  public Future<List<UUID[]>> revokeAccount(SqlClient tx, long account, String reason) {
    return tx.preparedQuery("update sessions set revoked_at = now(), revoke_reason = $2, key_grant = null "
            + "where account_id = $1 and revoked_at is null returning id, device_id")
        .execute(Tuple.of(account, reason)).map(rows -> {
          List<UUID[]> pairs = new ArrayList<>();
          rows.forEach(r -> pairs.add(new UUID[] {r.getUUID("id"), r.getUUID("device_id")}));
          return pairs;
        });
  }

  /** Deletes sessions expired or revoked more than {@code days} ago; how many. */
  public Future<Integer> deleteOld(int days) {
    // an expired session's grant goes at once; the row itself after {@code days}
    return pool.query("update sessions set key_grant = null where key_grant is not null and expires_at <= now()")
        .execute().compose(v -> pool.preparedQuery("delete from sessions where expires_at < now() - make_interval(days => $1) "
            + "or revoked_at < now() - make_interval(days => $1)")
        .execute(Tuple.of(days))).map(rows -> rows.rowCount());
  }

  private static List<UUID> ids(io.vertx.sqlclient.RowSet<Row> rows) {
    List<UUID> ids = new ArrayList<>();
    rows.forEach(r -> ids.add(r.getUUID("id")));
    return ids;
  }
}
