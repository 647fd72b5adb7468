package dev.flamingo.sync.auth.account;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/** SQL for accounts. */
public final class AccountStore {
  /** An account as auth-service sees it. */
  public record Account(long id, String email, String passwordHash, String securityStamp, OffsetDateTime createdAt,
      OffsetDateTime disabledAt, OffsetDateTime deletingAt, OffsetDateTime adminSince) {
    public Account(long id, String email, String passwordHash, String securityStamp, OffsetDateTime createdAt) {
      this(id, email, passwordHash, securityStamp, createdAt, null, null, null);
    }

    public static Account of(Row r) {
      return new Account(r.getLong("id"), r.getString("email"), r.getString("password_hash"),
          r.getString("security_stamp"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("disabled_at"),
          r.getOffsetDateTime("deleting_at"), r.getOffsetDateTime("admin_since"));
    }

    /** Holds the admin role (stored on the account: granted by the operator's command or another admin). */
    public boolean admin() {
      return adminSince != null;
    }

    /** Disabled by an admin, or being deleted: no sign-in, no session. */
    public boolean disabled() {
      return disabledAt != null || deletingAt != null;
    }
  }

  private final Pool pool;

  public AccountStore(Pool pool) {
    this.pool = pool;
  }

  /** The new account, or null when the email is taken. */
  public Future<Account> insert(SqlClient client, String email, String passwordHash, String stamp) {
    return client.preparedQuery("insert into accounts (email, password_hash, security_stamp) values ($1, $2, $3) "
            + "on conflict (email) do nothing returning *")
        .execute(Tuple.of(email, passwordHash, stamp))
        .map(rows -> rows.size() == 0 ? null : Account.of(rows.iterator().next()));
  }

  public Future<Account> byEmail(String email) {
    return pool.preparedQuery("select * from accounts where email = $1").execute(Tuple.of(email))
        .map(rows -> rows.size() == 0 ? null : Account.of(rows.iterator().next()));
  }

  public Future<Account> byId(long id) {
    return pool.preparedQuery("select * from accounts where id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : Account.of(rows.iterator().next()));
  }

  /** Sets a new hash and stamp only if the stamp is still {@code expectedStamp}; false if it changed meanwhile. */
  public Future<Boolean> changePassword(SqlClient client, long id, String expectedStamp, String passwordHash, String newStamp) {
    return client.preparedQuery("update accounts set password_hash = $3, security_stamp = $4, updated_at = now() "
            + "where id = $1 and security_stamp = $2")
        .execute(Tuple.of(id, expectedStamp, passwordHash, newStamp))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The account, unless browser login {@code loginId} was ended by a logout (then null, as for no account). */
  public Future<Account> byIdWithLiveLogin(long id, UUID loginId) {
    return pool.preparedQuery("select * from accounts where id = $1 and disabled_at is null and deleting_at is null "
            + "and not exists (select 1 from ended_browser_logins where login_id = $2)")
        .execute(Tuple.of(id, loginId))
        .map(rows -> rows.size() == 0 ? null : Account.of(rows.iterator().next()));
  }

  /** Records that browser login {@code loginId} ended; kept until {@code expiresAt}. */
  public Future<Void> endLogin(SqlClient client, UUID loginId, long accountId, OffsetDateTime expiresAt) {
    return client.preparedQuery("insert into ended_browser_logins (login_id, account_id, expires_at) "
            + "select $1, id, $3 from accounts where id = $2 on conflict (login_id) do nothing")
        .execute(Tuple.of(loginId, accountId, expiresAt)).mapEmpty();
  }

  /** Forgets ended logins that have expired anyway; how many. */
  public Future<Integer> deleteExpiredEndedLogins() {
    return pool.query("delete from ended_browser_logins where expires_at < now()").execute()
        .map(rows -> rows.rowCount());
  }

  /**
   * Disables (or re-enables) the account in {@code tx}; disabling also sets a new security stamp (every browser
   * login ends) and drops its claimed, not yet exchanged device requests. False for an unknown account.
   */
  public Future<Boolean> setDisabled(SqlClient tx, long id, boolean disabled) {
    String sql = disabled
        ? "update accounts set disabled_at = coalesce(disabled_at, now()), security_stamp = $2, updated_at = now() "
            + "where id = $1"
        : "update accounts set disabled_at = null, updated_at = now() where id = $1 and $2::text is not null";
    return tx.preparedQuery(sql).execute(Tuple.of(id, dev.flamingo.sync.common.security.Tokens.randomHex(16)))
        .compose(rows -> rows.rowCount() == 0 || !disabled ? Future.succeededFuture(rows.rowCount() == 1)
            : tx.preparedQuery("delete from temp_tokens where claimed_by = $1 and consumed_at is null")
                .execute(Tuple.of(id)).map(true));
  }

  /** Marks the account as being deleted (and disabled: see {@link #setDisabled}); false for an unknown account. */
  public Future<Boolean> markDeleting(SqlClient tx, long id) {
    return setDisabled(tx, id, true).compose(found -> !found ? Future.succeededFuture(false)
        : tx.preparedQuery("update accounts set deleting_at = coalesce(deleting_at, now()) where id = $1")
            .execute(Tuple.of(id)).map(true));
  }

  /** Deletes an account marked as being deleted (its sessions, keys and logins go with it); false otherwise. */
  public Future<Boolean> delete(SqlClient tx, long id) {
    return tx.preparedQuery("delete from accounts where id = $1 and deleting_at is not null").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> changeStamp(long id, String newStamp) {
    return pool.preparedQuery("update accounts set security_stamp = $2, updated_at = now() where id = $1")
        .execute(Tuple.of(id, newStamp)).mapEmpty();
  }
}
