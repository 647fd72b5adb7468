package dev.flamingo.sync.auth.account;

import dev.flamingo.sync.auth.custody.AccountKeyStore;
import dev.flamingo.sync.auth.custody.AccountKeys;
import dev.flamingo.sync.auth.session.SessionStore;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.config.ConfigLoader;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.outbox.Outbox;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * The operator's reset of a forgotten password: {@code java -jar auth-service.jar reset-password EMAIL}, the
 * new password on standard input (so it is in no command line or shell history). A new password hash and
 * security stamp (every browser login ends), every session revoked, and a NEW account key: the old one was
 * wrapped under the forgotten password and the sessions' tokens only, so nobody can open it, the operator
 * included. The master key stored under it is lost by design: devices paired again get 409 "the encryption
 * key was lost…" for it until one rotates the key (README, "Key custody").
 */
public final class PasswordReset {
  private final Vertx vertx;
  private final Pool pool;
  private final PasswordHasher hasher = new PasswordHasher();

  public PasswordReset(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** What a reset did: the account, its new account key's id, the sessions revoked. */
  public record Result(long accountId, UUID accountKeyId, int sessionsRevoked) {}

  public Future<Result> reset(String rawEmail, String password) {
    String email = rawEmail.trim().toLowerCase(Locale.ROOT);
    if (password == null || password.length() < AccountService.MIN_PASSWORD
        || password.length() > AccountService.MAX_PASSWORD) {
      return Future.failedFuture(new IllegalArgumentException("The new password must be "
          + AccountService.MIN_PASSWORD + " to " + AccountService.MAX_PASSWORD + " characters"));
    }
    AccountKeys keys = new AccountKeys(vertx, pool, new AccountKeyStore(), hasher);
    SessionStore sessions = new SessionStore(pool);
    Outbox outbox = new Outbox();
    RequestContext ctx = RequestContext.anonymous(UUID.randomUUID().toString(), "operator", "reset-password");
    return vertx.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> keys.derive(password).compose(derived -> pool.withTransaction(tx -> tx
            .preparedQuery("update accounts set password_hash = $2, security_stamp = $3, updated_at = now() "
                + "where email = $1 returning id")
            .execute(Tuple.of(email, hash, Tokens.randomHex(16)))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(new IllegalArgumentException("No account has the e-mail " + email));
              }
              long id = rows.iterator().next().getLong("id");
              // the update above holds the account's row lock, as every revocation takes first
              return keys.replace(tx, id, derived).compose(akId -> sessions.revokeAccount(tx, id, "password_reset")
                  .compose(revoked -> tx.preparedQuery("update temp_tokens set key_grant = null where claimed_by = $1")
                      .execute(Tuple.of(id))
                      .compose(v -> outbox.audit(tx, "account.password_reset", ctx, id, null,
                          new JsonObject().put("sessions_revoked", revoked.size())))
                      .map(v -> new Result(id, akId, revoked.size()))));
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
