package dev.flamingo.sync.auth.account;

import dev.flamingo.sync.auth.custody.AccountKeyStore;
import dev.flamingo.sync.auth.custody.AccountKeys;
import dev.flamingo.sync.auth.session.SessionService;
import dev.flamingo.sync.auth.session.SessionStore;
import dev.flamingo.sync.auth.support.RequestFields;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.config.ConfigLoader;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.outbox.Outbox;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * The reset of a forgotten password, in two steps, so that nobody but the owner ever knows the new password:
 * <ol>
 *   <li>{@code begin}: an admin (the admin page, {@code bin/flamingo-admin reset-password}) or the operator
 *       ({@code java -jar auth-service.jar reset-password EMAIL}) gets a one-time reset link: a random token of which
 *       only the SHA-256 is kept, valid for {@link #LINK_TTL}, one per account (a new one replaces an older one). At
 *       once every browser login, session and claimed device request of the account ends and the old password no
 *       longer signs in (it is replaced by the hash of a random password nobody knows);
 *   <li>{@code complete} (the owner, on the page {@code /reset?token=…}): the password they choose (the sign-up check),
 *       a new security stamp and a NEW account key made from that password only: the old one was wrapped under the
 *       forgotten password and the sessions' tokens, so nobody can open it, the admin and the operator included. The
 *       master key stored under it is lost by design: devices paired again get 409 "the encryption key was lost…"
 *       for it until one rotates the key (docs/threat-model.md, "Key custody"). The token is used up. The account's
 *       second factors (TOTP, passkeys, recovery codes) are removed too (audited, and shown on Dashboard → Security):
 *       the owner who lost them gets back in, and sets them up again.
 * </ol>
 * The devices' sign-outs reach device-service through the outbox either way.
 */
public final class PasswordReset {
  /** How long a reset link is valid. */
  public static final Duration LINK_TTL = Duration.ofHours(24);
  public static final String INVALID = "This password reset link is not valid: ask your admin for a new one";
  public static final String USED = "This password reset link was already used";
  public static final String EXPIRED = "This password reset link has expired: ask your admin for a new one";

  private final Vertx vertx;
  private final Pool pool;
  private final SessionService sessions;
  private final PasswordHasher hasher = new PasswordHasher();
  private final Outbox outbox = new Outbox();

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
   * A begun reset: the account, its one-time reset token (give it to the owner as a link, once; it is stored nowhere),
   * when it expires, and the revocation event of its sessions (hand it to {@link SessionService#announce} where
   * gateways listen).
   */
  public record Result(long accountId, String email, String token, OffsetDateTime expiresAt, JsonObject revoked) {
    public int sessionsRevoked() {
      return revoked.getJsonArray("session_ids").size();
    }

    /** The page where the owner chooses the password. */
    public String link(String publicUrl) {
      return link(publicUrl, token);
    }

    public static String link(String publicUrl, String token) {
      return publicUrl + "/reset?token=" + token;
    }
  }

  /** The operator's command: the account by its e-mail. */
  public Future<Result> begin(String rawEmail) {
    RequestContext ctx = RequestContext.anonymous(UUID.randomUUID().toString(), "operator", "reset-password");
    return begin("email", rawEmail.trim().toLowerCase(Locale.ROOT), null, ctx, tx -> Future.succeededFuture());
  }

  /**
   * An admin's reset (flamingo.auth.v1.admin.account.password-reset): the account by its id; {@code alsoInTransaction}
   * (the admin's own audit record) commits with the reset or not at all.
   */
  public Future<Result> beginById(long accountId, long admin, RequestContext ctx,
      Function<SqlClient, Future<Void>> alsoInTransaction) {
    return begin("id", accountId, admin, ctx, alsoInTransaction);
  }

  private Future<Result> begin(String column, Object account, Long admin, RequestContext ctx,
      Function<SqlClient, Future<Void>> alsoInTransaction) {
    String token = Tokens.newResetToken();
    // the old password stops working at once: a hash of a random password nobody knows (a login still costs Argon2id)
    return HashingGate.of(vertx).run(() -> hasher.hash(Tokens.randomHex(32)))
        .compose(unusable -> pool.withTransaction(tx -> tx
            .preparedQuery("update accounts set password_hash = $2, security_stamp = $3, updated_at = now() "
                + "where " + column + " = $1 and deleting_at is null returning id, email")
            .execute(Tuple.of(account, unusable, Tokens.randomHex(16)))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(ServiceException.notFound(column.equals("email")
                    ? "No account has the e-mail " + account : "Account not found"));
              }
              Row row = rows.iterator().next();
              long id = row.getLong("id");
              String email = row.getString("email");
              // the update above holds the account's row lock, as every revocation takes first; revokeAccount also
              // ends the device requests the account claimed
              return tx.preparedQuery("insert into password_resets (account_id, token_hash, created_by, expires_at) "
                      + "values ($1, $2, $3, now() + make_interval(secs => $4)) on conflict (account_id) do update set "
                      + "token_hash = excluded.token_hash, created_by = excluded.created_by, created_at = now(), "
                      + "expires_at = excluded.expires_at, used_at = null returning expires_at")
                  .execute(Tuple.of(id, Buffer.buffer(Tokens.sha256(token)), admin, LINK_TTL.toSeconds()))
                  .compose(inserted -> sessions.revokeAccount(tx, id, "password_reset").compose(revoked -> outbox
                      .audit(tx, "account.password_reset_link", ctx, id, null, new JsonObject()
                          .put("by", admin == null ? "operator" : "admin")
                          .put("sessions_revoked", revoked.getJsonArray("session_ids").size()))
                      .compose(v -> alsoInTransaction.apply(tx))
                      .map(v -> new Result(id, email, token, inserted.iterator().next().getOffsetDateTime("expires_at"),
                          revoked))));
            })))
        .onSuccess(r -> stampChanged(r.accountId()));
  }

  /**
   * AUTH_PASSWORD_RESET_COMPLETE {token, password} → {account_id, email}: the owner sets the password with the link
   * (anonymous: the token is the credential). 400 with a message for a token that is unknown, used or expired.
   */
  public Future<JsonObject> complete(JsonObject body, RequestContext ctx) {
    String token = RequestFields.string(body, "token");
    if (!Tokens.isResetToken(token)) {
      throw ServiceException.badRequest(INVALID);
    }
    String password = RequestFields.string(body, "password");
    if (password == null) {
      throw ServiceException.badRequest("password is required");
    }
    byte[] hash = Tokens.sha256(token);
    AccountKeys keys = new AccountKeys(vertx, pool, new AccountKeyStore(), hasher);
    // the cheap refusals first, before any key derivation
    return pool.preparedQuery("select r.account_id, a.email, r.used_at is not null as used, r.expires_at <= now() as expired "
            + "from password_resets r join accounts a on a.id = r.account_id where r.token_hash = $1").execute(Tuple.of(Buffer.buffer(hash)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ServiceException.badRequest(INVALID));
          }
          Row r = rows.iterator().next();
          if (r.getBoolean("used")) {
            return Future.failedFuture(ServiceException.badRequest(USED));
          }
          if (r.getBoolean("expired")) {
            return Future.failedFuture(ServiceException.badRequest(EXPIRED));
          }
          long id = r.getLong("account_id");
          String email = r.getString("email");
          // the rule of every new password, the account's e-mail known to an attacker
          return vertx.executeBlocking(() -> AccountService.checkNewPassword(password, email), false)
              .compose(v -> HashingGate.of(vertx).run(() -> hasher.hash(password)))
              .compose(passwordHash -> keys.derive(password).compose(derived -> pool.withTransaction(tx -> tx
                  // the account's row first (as every revocation and a new reset link take it), then the link's
                  .preparedQuery("update accounts set password_hash = $2, security_stamp = $3, updated_at = now() "
                      + "where id = $1 and deleting_at is null returning email")
                  .execute(Tuple.of(id, passwordHash, Tokens.randomHex(16)))
                  .compose(updated -> updated.size() == 0 ? Future.failedFuture(ServiceException.badRequest(INVALID))
                      : tx.preparedQuery("update password_resets set used_at = now() where token_hash = $1 "
                              + "and account_id = $2 and used_at is null and expires_at > now()")
                          .execute(Tuple.of(Buffer.buffer(hash), id))
                          .compose(used -> used.rowCount() == 0 ? Future.failedFuture(ServiceException.badRequest(USED))
                              : keys.replace(tx, id, derived))
                          .compose(akId -> SecondFactorsReset.remove(tx, id, ctx, outbox))
                          .compose(v -> sessions.revokeAccount(tx, id, "password_reset"))
                          .compose(revoked -> outbox.audit(tx, "account.password_reset", ctx, id, null, new JsonObject()
                                  .put("sessions_revoked", revoked.getJsonArray("session_ids").size()))
                              .map(v -> new Completed(updated.iterator().next().getString("email"), revoked)))))))
              .map(done -> {
                sessions.announce(done.revoked());
                stampChanged(id);
                return Reply.data(new JsonObject().put("account_id", id).put("email", done.email()))
                    .put("message", "Your new password is set: sign in with it, then pair your devices again");
              });
        });
  }

  private record Completed(String email, JsonObject revoked) {}

  /** Every gateway drops the account's cached browser logins. */
  private void stampChanged(long account) {
    vertx.eventBus().publish(Addresses.EVENT_ACCOUNT_STAMP_CHANGED, new JsonObject().put("account_id", account));
  }

  /**
   * {@code reset-password EMAIL}: prints the one-time link (FLAMINGO_PUBLIC_URL + /reset?token=…) for the owner.
   * Exit code 0, 1 or 2.
   */
  public static int run(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: reset-password EMAIL   (prints a one-time link where the owner chooses the new password)");
      return 2;
    }
    Settings settings = ConfigLoader.loadBlocking();
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Database.open(vertx, settings, "auth").await();
      Result r = new PasswordReset(vertx, pool).begin(args[1]).await();
      System.out.println("Password reset for account " + r.accountId() + " (" + r.email() + "): " + r.sessionsRevoked()
          + " sessions revoked; the old password no longer signs in.");
      System.out.println("Give the owner this one-time link (valid until " + r.expiresAt().toInstant()
          + "; it is shown only now):");
      System.out.println(r.link(settings.publicUrl()));
      System.out.println("There they choose the new password. Their encryption key is gone: they pair their devices "
          + "again and rotate the key.");
      return 0;
    } catch (Exception e) {
      System.err.println("reset-password: " + e.getMessage());
      return 1;
    } finally {
      vertx.close();
    }
  }
}
