package dev.flamingo.sync.auth.custody;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * SQL for key custody: the account key wrapped under the password ({@code account_keys}) and the grants of
 * sessions ({@code sessions.key_grant}) and of claimed temp tokens ({@code temp_tokens.key_grant}).
 */
public final class AccountKeyStore {
  /** The account key as stored: only its password wrap, with the salt and Argon2id parameters of that wrap. */
  public record PasswordWrap(long accountId, UUID keyId, byte[] salt, String params, byte[] wrap) {
    static PasswordWrap of(Row r) {
      return new PasswordWrap(r.getLong("account_id"), r.getUUID("key_id"), r.getBuffer("kdf_salt").getBytes(),
          r.getString("kdf_params"), r.getBuffer("password_wrap").getBytes());
    }
  }

  /** A session's grant (null when it has none) and whether the session is live. */
  public record SessionGrant(long accountId, byte[] grant, boolean live) {}

  public Future<PasswordWrap> find(SqlClient client, long account) {
    return client.preparedQuery("select * from account_keys where account_id = $1").execute(Tuple.of(account))
        .map(rows -> rows.size() == 0 ? null : PasswordWrap.of(rows.iterator().next()));
  }

  /** Stores the first account key of an account; false when it has one already (a concurrent first). */
  public Future<Boolean> insert(SqlClient client, PasswordWrap w) {
    return client.preparedQuery("insert into account_keys (account_id, key_id, kdf_salt, kdf_params, password_wrap) "
            + "values ($1, $2, $3, $4, $5) on conflict (account_id) do nothing")
        .execute(Tuple.of(w.accountId(), w.keyId(), Buffer.buffer(w.salt()), w.params(), Buffer.buffer(w.wrap())))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Re-wraps the same account key (same id) under a new password; false when the key was replaced meanwhile. */
  public Future<Boolean> rewrap(SqlClient client, PasswordWrap w) {
    return client.preparedQuery("update account_keys set kdf_salt = $3, kdf_params = $4, password_wrap = $5, "
            + "updated_at = now() where account_id = $1 and key_id = $2")
        .execute(Tuple.of(w.accountId(), w.keyId(), Buffer.buffer(w.salt()), w.params(), Buffer.buffer(w.wrap())))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Puts a new account key in place of any old one (a password reset: the old key is gone). */
  public Future<Void> replace(SqlClient client, PasswordWrap w) {
    return client.preparedQuery("insert into account_keys (account_id, key_id, kdf_salt, kdf_params, password_wrap) "
            + "values ($1, $2, $3, $4, $5) on conflict (account_id) do update set key_id = excluded.key_id, "
            + "kdf_salt = excluded.kdf_salt, kdf_params = excluded.kdf_params, password_wrap = excluded.password_wrap, "
            + "updated_at = now()")
        .execute(Tuple.of(w.accountId(), w.keyId(), Buffer.buffer(w.salt()), w.params(), Buffer.buffer(w.wrap())))
        .mapEmpty();
  }

  /** Whether the account has an account key (key custody) at all. */
  public Future<Boolean> exists(SqlClient client, long account) {
    return client.preparedQuery("select 1 from account_keys where account_id = $1").execute(Tuple.of(account))
        .map(rows -> rows.size() == 1);
  }

  /** The grant of a session and whether it is live; null when the session is unknown. */
  public Future<SessionGrant> sessionGrant(SqlClient client, UUID session) {
    return client.preparedQuery("select account_id, key_grant, revoked_at is null and expires_at > now() as live "
            + "from sessions where id = $1")
        .execute(Tuple.of(session))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          Buffer grant = r.getBuffer("key_grant");
          return new SessionGrant(r.getLong("account_id"), grant == null ? null : grant.getBytes(), r.getBoolean("live"));
        });
  }

  /**
   * Gives a claimed, unconsumed temp token of the account its pending grant unless it has one; false when the
   * token is not in that state.
   */
  public Future<Boolean> setPendingGrant(SqlClient client, byte[] tempHash, long account, byte[] grant) {
    return client.preparedQuery("update temp_tokens set key_grant = coalesce(key_grant, $3) where token_hash = $1 "
            + "and claimed_by = $2 and consumed_at is null and denied_at is null and expires_at > now()")
        .execute(Tuple.of(Buffer.buffer(tempHash), account, grant == null ? null : Buffer.buffer(grant)))
        .map(rows -> rows.rowCount() == 1);
  }
}
