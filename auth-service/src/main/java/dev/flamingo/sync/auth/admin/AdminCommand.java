package dev.flamingo.sync.auth.admin;

import dev.flamingo.sync.auth.account.AccountStore;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.config.ConfigLoader;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The operator's admin commands, run where the server's database is reachable (its configuration, as the
 * server's): {@code java -jar auth-service.jar admin grant|revoke|enable EMAIL} (also {@code bin/standalone admin
 * ...}). {@code grant} and {@code revoke} give or take the admin role (the last enabled admin keeps it), {@code
 * enable} re-enables a disabled account. Each change is in the admin log (by "operator (command line)") and the
 * account's audit log. Gateways see a changed role within FLAMINGO_AUTH_CACHE_SECONDS; auth-service at once.
 */
public final class AdminCommand {
  static final String USAGE = "usage: admin grant|revoke|enable EMAIL";
  private static final Set<String> VERBS = Set.of("grant", "revoke", "enable");

  private AdminCommand() {}

  /** {@code admin VERB EMAIL} with the configuration from the environment. Exit code 0, 1 or 2. */
  public static int run(String[] args) {
    if (!usable(args)) {
      System.err.println(USAGE);
      return 2;
    }
    return run(ConfigLoader.loadBlocking(), args);
  }

  /** {@code admin VERB EMAIL} against the database of {@code settings}: one line out (0) or on standard error (1, 2). */
  public static int run(Settings settings, String[] args) {
    if (!usable(args)) {
      System.err.println(USAGE);
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Database.open(vertx, settings, "auth").await();
      try {
        System.out.println(execute(pool, args[1], args[2]).await());
        return 0;
      } finally {
        pool.close().await();
      }
    } catch (Exception e) {
      System.err.println("admin " + args[1] + ": " + e.getMessage());
      return 1;
    } finally {
      vertx.close().await();
    }
  }

  private static boolean usable(String[] args) {
    return args.length == 3 && args[0].equals("admin") && VERBS.contains(args[1]) && !args[2].isBlank();
  }

  /** Does {@code verb} to the account of {@code rawEmail}; the line to print, or a failure with the reason. */
  public static Future<String> execute(Pool pool, String verb, String rawEmail) {
    String email = rawEmail.trim().toLowerCase(Locale.ROOT);
    RequestContext ctx = RequestContext.anonymous(UUID.randomUUID().toString(), null, "admin-command");
    Outbox outbox = new Outbox();
    return pool.withTransaction(tx -> tx.preparedQuery("select id, admin_since, disabled_at from accounts "
            + "where email = $1 and deleting_at is null").execute(Tuple.of(email))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ServiceException.notFound("No account has the e-mail " + email));
          }
          Row r = rows.iterator().next();
          long id = r.getLong("id");
          boolean admin = r.getOffsetDateTime("admin_since") != null;
          switch (verb) {
            case "grant":
              return admin ? Future.succeededFuture(email + " is an admin already")
                  : Admins.setRole(tx, id, true)
                      .compose(v -> AdminLog.record(tx, outbox, ctx, null, "account.admin_granted", id, null))
                      .map(email + " is an admin now (account " + id + ")");
            case "revoke":
              return !admin ? Future.succeededFuture(email + " is no admin")
                  : Admins.keepOne(tx, id)
                      .recover(t -> Future.failedFuture(new IllegalStateException("refused: " + Admins.LAST_ADMIN)))
                      .compose(v -> Admins.setRole(tx, id, false))
                      .compose(v -> AdminLog.record(tx, outbox, ctx, null, "account.admin_revoked", id, null))
                      .map(email + " is no admin now (account " + id + ")");
            default:
              return r.getOffsetDateTime("disabled_at") == null ? Future.succeededFuture(email + " is not disabled")
                  : new AccountStore(pool).setDisabled(tx, id, false)
                      .compose(v -> AdminLog.record(tx, outbox, ctx, null, "account.enabled", id, null))
                      .map(email + " is enabled again (account " + id + ")");
          }
        }));
  }
}
