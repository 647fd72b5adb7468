package dev.flamingo.sync.auth.account;

import dev.flamingo.sync.auth.custody.AccountKeyStore;
import dev.flamingo.sync.auth.custody.AccountKeys;
import dev.flamingo.sync.auth.session.SessionService;
import dev.flamingo.sync.auth.session.SessionStore;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.config.ConfigLoader;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.outbox.Outbox;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * The operator's reset of a forgotten password: {@code java -jar auth-service.jar reset-password EMAIL}, the
 * new password on standard input (so it is in no command line or shell history). A new password hash and
 * security stamp (every browser login ends), every session revoked, and a NEW account key: the old one was
 * wrapped under the forgotten password and the sessions' tokens only, so nobody can open it, the operator
 * included. The master key stored under it is lost by design: devices paired again get 409 "the encryption
 * key was lost…" for it until one rotates the key (README, "Key custody"). An admin does the same from the admin
 * page or {@code bin/flamingo-admin reset-password} ({@link #resetById}); the devices' sign-outs reach
 * device-service through the outbox either way.
 */
public final class PasswordReset {
  private final Vertx vertx;
  private final Pool pool;
  private final SessionService sessions;
  private final PasswordHasher hasher = new PasswordHasher();

  /** Outside a running auth-service (the operator's command): sessions revoked here are evicted by no gateway. */
  public PasswordReset(Vertx vertx, Pool pool) {
    this(vertx, pool, new SessionService(vertx, pool, new SessionStore(pool), new Outbox(), 90));
  }

  public PasswordReset(Vertx vertx, Pool pool, SessionService sessions) {
    this.vertx = vertx;
    this.pool = pool;
    this.sessions = sessions;
  }

  /**
   * What a reset did: the account, its new account key's id, and the revocation event of its sessions (hand it to
   * {@link SessionService#announce} where gateways listen).
   */
  public record Result(long accountId, UUID accountKeyId, JsonObject revoked) {
    public int sessionsRevoked() {
      return revoked.getJsonArray("session_ids").size();
    }
  }

  /** The operator's command: the account by its e-mail. */
  public Future<Result> reset(String rawEmail, String password) {
    RequestContext ctx = RequestContext.anonymous(UUID.randomUUID().toString(), "operator", "reset-password");
    return reset("email", rawEmail.trim().toLowerCase(Locale.ROOT), password, ctx, tx -> Future.succeededFuture());
  }

  /**
   * An admin's reset (flamingo.auth.v1.admin.account.password-reset): the account by its id; {@code alsoInTransaction}
   * (the admin's own audit record) commits with the reset or not at all.
   */
  public Future<Result> resetById(long accountId, String password, RequestContext ctx,
      Function<SqlClient, Future<Void>> alsoInTransaction) {
    return reset("id", accountId, password, ctx, alsoInTransaction);
  }

  private Future<Result> reset(String column, Object account, String password, RequestContext ctx,
      Function<SqlClient, Future<Void>> alsoInTransaction) {
    AccountKeys keys = new AccountKeys(vertx, pool, new AccountKeyStore(), hasher);
    Outbox outbox = new Outbox();
    // the new password passes the rule of every new password, the account's e-mail known to an attacker
    Future<String> email = column.equals("email") ? Future.succeededFuture((String) account)
        : pool.preparedQuery("select email from accounts where id = $1").execute(Tuple.of(account))
            .compose(rows -> rows.size() == 0 ? Future.failedFuture(ServiceException.notFound("Account not found"))
                : Future.succeededFuture(rows.iterator().next().getString("email")));
    return email.compose(e -> vertx.executeBlocking(() -> AccountService.checkNewPassword(password, e), false))
        .compose(v -> HashingGate.of(vertx).run(() -> hasher.hash(password)))
        .compose(hash -> keys.derive(password).compose(derived -> pool.withTransaction(tx -> tx
            .preparedQuery("update accounts set password_hash = $2, security_stamp = $3, updated_at = now() "
                + "where " + column + " = $1 and deleting_at is null returning id")
            .execute(Tuple.of(account, hash, Tokens.randomHex(16)))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(ServiceException.notFound(column.equals("email")
                    ? "No account has the e-mail " + account : "Account not found"));
              }
              long id = rows.iterator().next().getLong("id");
              // the update above holds the account's row lock, as every revocation takes first
              return keys.replace(tx, id, derived).compose(akId -> sessions.revokeAccount(tx, id, "password_reset")
                  .compose(revoked -> tx.preparedQuery("update temp_tokens set key_grant = null where claimed_by = $1")
                      .execute(Tuple.of(id))
                      .compose(v -> outbox.audit(tx, "account.password_reset", ctx, id, null,
                          new JsonObject().put("sessions_revoked", revoked.getJsonArray("session_ids").size())))
                      .compose(v -> alsoInTransaction.apply(tx))
                      .map(v -> new Result(id, akId, revoked))));
            }))));
  }

  /** {@code reset-password EMAIL}: the new password from standard input (one line). Exit code 0, 1 or 2. */
  public static int run(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: reset-password EMAIL   (the new password on standard input)");
      return 2;
    }
    String password;
    try {
      password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    } catch (Exception e) {
      password = null;
    }
    Settings settings = ConfigLoader.loadBlocking();
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Database.open(vertx, settings, "auth").await();
      Result r = new PasswordReset(vertx, pool).reset(args[1], password).await();
      System.out.println("Password reset for account " + r.accountId() + ": " + r.sessionsRevoked()
          + " sessions revoked. Its encryption key is gone: the user pairs their devices again and rotates the key.");
      return 0;
    } catch (Exception e) {
      System.err.println("reset-password: " + e.getMessage());
      return 1;
    } finally {
      vertx.close();
    }
  }
}
