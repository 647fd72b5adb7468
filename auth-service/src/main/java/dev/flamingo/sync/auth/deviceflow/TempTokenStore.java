package dev.flamingo.sync.auth.deviceflow;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;

/**
 * SQL for device-flow temp tokens. Every state change is one conditional UPDATE, so concurrent
 * claims, exchanges and denials cannot both win.
 */
public final class TempTokenStore {
  /** A temp token row (by hash; the token itself is never stored). */
  public record TempToken(String deviceName, String deviceType, String clientIp, OffsetDateTime createdAt,
      OffsetDateTime expiresAt, Long claimedBy, OffsetDateTime consumedAt, OffsetDateTime deniedAt, byte[] keyGrant) {
    static TempToken of(Row r) {
      Buffer grant = r.getBuffer("key_grant");
      return new TempToken(r.getString("device_name"), r.getString("device_type"), r.getString("client_ip"),
          r.getOffsetDateTime("created_at"), r.getOffsetDateTime("expires_at"), r.getLong("claimed_by"),
          r.getOffsetDateTime("consumed_at"), r.getOffsetDateTime("denied_at"), grant == null ? null : grant.getBytes());
    }

    public boolean expired() {
      return !expiresAt.isAfter(OffsetDateTime.now());
    }
  }

  private final Pool pool;

  public TempTokenStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insert(SqlClient client, byte[] hash, String prefix, String name, String type, String ip, String userAgent, int ttlSeconds) {
    return client.preparedQuery("insert into temp_tokens (token_hash, token_prefix, device_name, device_type, client_ip, "
            + "user_agent, expires_at) values ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))")
        .execute(Tuple.tuple(java.util.Arrays.asList(Buffer.buffer(hash), prefix, name, type, ip, userAgent, ttlSeconds)))
        .mapEmpty();
  }

  public Future<TempToken> find(byte[] hash) {
    return pool.preparedQuery("select * from temp_tokens where token_hash = $1").execute(Tuple.of(Buffer.buffer(hash)))
        .map(rows -> rows.size() == 0 ? null : TempToken.of(rows.iterator().next()));
  }

  /**
   * Claims a pending token for the account with its pending grant (the account key for the new device, null
   * when there is none); false when it was not pending.
   */
  public Future<Boolean> claim(SqlClient client, byte[] hash, long account, byte[] grant) {
    return client.preparedQuery("update temp_tokens set claimed_by = $2, claimed_at = now(), key_grant = $3 "
            + "where token_hash = $1 and claimed_by is null and consumed_at is null and denied_at is null "
            + "and expires_at > now() returning claimed_by")
        .execute(Tuple.of(Buffer.buffer(hash), account, grant == null ? null : Buffer.buffer(grant)))
        .map(rows -> rows.size() == 1);
  }

  /**
   * Consumes a claimed, live token (once); the row with the pending grant it held (which the row itself
   * forgets in the same statement), or null when it could not be consumed.
   */
  public Future<TempToken> consume(SqlClient tx, byte[] hash) {
    return tx.preparedQuery("with old as (select token_hash, key_grant from temp_tokens where token_hash = $1 for update) "
            + "update temp_tokens t set consumed_at = now(), key_grant = null from old "
            + "where t.token_hash = old.token_hash and t.consumed_at is null and t.claimed_by is not null "
            + "and t.denied_at is null and t.expires_at > now() returning t.device_name, t.device_type, t.client_ip, "
            + "t.created_at, t.expires_at, t.claimed_by, t.consumed_at, t.denied_at, old.key_grant")
        .execute(Tuple.of(Buffer.buffer(hash)))
        .map(rows -> rows.size() == 0 ? null : TempToken.of(rows.iterator().next()));
  }

  /**
   * Locks the row of the account that claimed this token (for the rest of the transaction), before the token's own
   * row: the order every revocation takes (account, then its tokens), so an exchange and a revocation cannot
   * deadlock. No lock when the token is unknown or unclaimed.
   */
  public Future<Void> lockClaimant(SqlClient tx, byte[] hash) {
    return tx.preparedQuery("select id from accounts where id = (select claimed_by from temp_tokens where token_hash = $1) "
            + "for update").execute(Tuple.of(Buffer.buffer(hash))).mapEmpty();
  }

  /**
   * Locks the account's row (before the token's, as {@link #lockClaimant}); false when it is disabled, being deleted
   * or gone: a claim that raced a disable or deletion then takes nothing.
   */
  public Future<Boolean> lockLiveAccount(SqlClient tx, long account) {
    return tx.preparedQuery("select disabled_at is null and deleting_at is null from accounts where id = $1 for update")
        .execute(Tuple.of(account)).map(rows -> rows.size() == 1 && rows.iterator().next().getBoolean(0));
  }

  /**
   * Ends every device request the account claimed that was not exchanged yet (sign-out everywhere, an admin's
   * sign-out, a password change or reset, disable, delete): denied, its pending grant forgotten, so the app's
   * next poll gets "Invalid token". Run it in the transaction that holds the account's row lock. How many.
   */
  public static Future<Integer> denyClaimedBy(SqlClient tx, long account) {
    return tx.preparedQuery("update temp_tokens set denied_at = now(), key_grant = null where claimed_by = $1 "
            + "and consumed_at is null and denied_at is null")
        .execute(Tuple.of(account)).map(rows -> rows.rowCount());
  }

  /** Denies a live, unused token not claimed by another account; false otherwise. */
  public Future<Boolean> deny(SqlClient client, byte[] hash, long account) {
    return client.preparedQuery("update temp_tokens set denied_at = now(), key_grant = null where token_hash = $1 and consumed_at is null "
            + "and denied_at is null and expires_at > now() and (claimed_by is null or claimed_by = $2)")
        .execute(Tuple.of(Buffer.buffer(hash), account)).map(rows -> rows.rowCount() == 1);
  }

  /** Forgets the pending grants of expired tokens and deletes tokens that expired more than an hour ago; how many. */
  public Future<Integer> deleteExpired() {
    return pool.query("update temp_tokens set key_grant = null where key_grant is not null and expires_at <= now()")
        .execute()
        .compose(v -> pool.query("delete from temp_tokens where expires_at < now() - interval '1 hour'").execute())
        .map(rows -> rows.rowCount());
  }
}
