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
  public record Account(long id, String email, String passwordHash, String securityStamp, OffsetDateTime createdAt) {
    static Account of(Row r) {
      return new Account(r.getLong("id"), r.getString("email"), r.getString("password_hash"),
          r.getString("security_stamp"), r.getOffsetDateTime("created_at"));
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
    return pool.preparedQuery("select * from accounts where id = $1 "
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

  public Future<Void> changeStamp(long id, String newStamp) {
    return pool.preparedQuery("update accounts set security_stamp = $2, updated_at = now() where id = $1")
        .execute(Tuple.of(id, newStamp)).mapEmpty();
  }
}
