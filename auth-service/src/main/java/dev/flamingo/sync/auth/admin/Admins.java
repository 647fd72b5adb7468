package dev.flamingo.sync.auth.admin;

import dev.flamingo.sync.auth.account.AccountStore;
import dev.flamingo.sync.auth.account.AccountStore.Account;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Locale;

/**
 * Who the admins are: the accounts holding the admin role ({@code accounts.admin_since}), granted by the operator's
 * command ({@code admin grant EMAIL}) or by another admin with their password typed again; signing up never grants
 * it. auth-service checks it on every admin address (the gateway checks it too, from the login's validation, before
 * it asks anyone). The last enabled admin keeps the role: no disable, demotion or deletion takes it away.
 */
public final class Admins {
  public static final String LAST_ADMIN = "This is the server's last admin: grant the admin role to another account first";
  /** pg_advisory_xact_lock key of every change that can take an admin's power away (one at a time). */
  private static final long ADMINS_LOCK = 0x466c61_41646d6eL;

  public static final String ENROLL_FIRST = "Enroll a second factor (Dashboard, Security) before using the admin pages";

  private final AccountStore accounts;
  private volatile java.util.function.LongFunction<Future<Boolean>> mustEnroll = id -> Future.succeededFuture(false);

  public Admins(AccountStore accounts) {
    this.accounts = accounts;
  }

  /** FLAMINGO_ADMIN_2FA=required: whether an admin must still enroll a second factor (then 403 {@link #ENROLL_FIRST}). */
  public void requireSecondFactor(java.util.function.LongFunction<Future<Boolean>> mustEnroll) {
    this.mustEnroll = mustEnroll;
  }

  /**
   * The calling account, when it holds the admin role, is not disabled and has a second factor when they are required;
   * else 403 "Admins only" or {@link #ENROLL_FIRST} (401 without an account). The gateway checks the same first.
   */
  public Future<Account> require(RequestContext ctx) {
    long id = ctx.requireAccount();
    return accounts.byId(id).compose(account -> {
      if (account == null || account.disabled() || !account.admin()) {
        throw new ServiceException(403, "Admins only");
      }
      return mustEnroll.apply(id).map(must -> {
        if (must) {
          throw new ServiceException(403, ENROLL_FIRST);
        }
        return account;
      });
    });
  }

  /**
   * In {@code tx} (a transaction), before a change that would take {@code target}'s admin power away (disable,
   * revoke, delete): 409 {@link #LAST_ADMIN} when {@code target} is an enabled admin and no other enabled admin
   * exists. Such changes take one lock first, so two of them never both pass the count.
   */
  public static Future<Void> keepOne(SqlClient tx, long target) {
    return tx.query("select pg_advisory_xact_lock(" + ADMINS_LOCK + ")").execute()
        .compose(v -> tx.preparedQuery("select exists (select 1 from accounts where id = $1 and " + ENABLED_ADMIN + ") "
                + "as is_admin, (select count(*) from accounts where id <> $1 and " + ENABLED_ADMIN + ") as others")
            .execute(Tuple.of(target)))
        .compose(rows -> {
          Row r = rows.iterator().next();
          return r.getBoolean("is_admin") && r.getLong("others") == 0
              ? Future.failedFuture(new ServiceException(409, LAST_ADMIN)) : Future.succeededFuture();
        });
  }

  static final String ENABLED_ADMIN = "admin_since is not null and disabled_at is null and deleting_at is null";

  /** Grants (or, after {@link #keepOne}, revokes) the role in {@code tx}; false when the account is unknown or being deleted. */
  public static Future<Boolean> setRole(SqlClient tx, long target, boolean admin) {
    String sql = admin
        ? "update accounts set admin_since = coalesce(admin_since, now()), updated_at = now() where id = $1 and deleting_at is null"
        : "update accounts set admin_since = null, updated_at = now() where id = $1 and deleting_at is null";
    return tx.preparedQuery(sql).execute(Tuple.of(target)).map(rows -> rows.rowCount() == 1);
  }

  /**
   * Once per database, when the role is introduced: the accounts named in FLAMINGO_ADMIN_EMAILS get it (and an
   * admin-log entry each). The number of accounts that got it, or -1 when this already happened (a one-row marker,
   * written in the same transaction, so also concurrent starts do it once).
   */
  public static Future<Integer> seedOnce(Pool pool, List<String> configured) {
    String[] emails = configured.stream().map(e -> e.trim().toLowerCase(Locale.ROOT)).filter(e -> !e.isEmpty())
        .toArray(String[]::new);
    return pool.withTransaction(tx -> tx.query("insert into admin_role_seed (granted) values (0) on conflict do nothing "
            + "returning single").execute()
        .compose(marked -> marked.size() == 0 ? Future.succeededFuture(-1)
            : tx.preparedQuery("with granted as (update accounts set admin_since = now(), updated_at = now() "
                    + "where email = any($1) and admin_since is null and deleting_at is null returning id, email) "
                    + "insert into admin_log (admin_email, action, target_account_id, target_email, metadata) "
                    + "select $2, 'account.admin_granted', id, email, jsonb_build_object('by', 'FLAMINGO_ADMIN_EMAILS') "
                    + "from granted")
                .execute(Tuple.of(emails, AdminLog.OPERATOR))
                .compose(rows -> tx.preparedQuery("update admin_role_seed set granted = $1").execute(Tuple.of(rows.rowCount()))
                    .map(rows.rowCount()))));
  }
}
