package dev.flamingo.sync.auth.admin;

import dev.flamingo.sync.auth.account.AccountService;
import dev.flamingo.sync.auth.account.AccountStore;
import dev.flamingo.sync.auth.account.PasswordHasher;
import dev.flamingo.sync.auth.account.HashingGate;
import dev.flamingo.sync.auth.account.PasswordReset;
import dev.flamingo.sync.auth.account.AccountStore.Account;
import dev.flamingo.sync.auth.session.SessionService;
import dev.flamingo.sync.auth.signup.SignupPolicy;
import dev.flamingo.sync.auth.support.RequestFields;
import dev.flamingo.sync.common.bus.AccountIds;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

/**
 * The admin's operations on accounts (docs/operating.md): list and search, disable and re-enable, sign out
 * everywhere, reset a forgotten password, grant or revoke the admin role, the server's figures. Every change is
 * audited on the admin's account (with the admin's IP) and on the target's, and written to the server-wide
 * {@link AdminLog} in the same transaction.
 */
public final class AdminService {
  public static final String NOT_FOUND = "Account not found";
  public static final String OWN_ACCOUNT = "Use your own account page for your own account";
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;

  private final Vertx vertx;
  private final Pool pool;
  private final AdminStore store;
  private final AccountStore accounts;
  private final Admins admins;
  private final SessionService sessions;
  private final SignupPolicy signups;
  private final Outbox outbox;
  private final PasswordReset reset;
  private final PasswordHasher hasher;

  public AdminService(Vertx vertx, Pool pool, AccountStore accounts, Admins admins, SessionService sessions,
      SignupPolicy signups, Outbox outbox, PasswordHasher hasher) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = new AdminStore(pool);
    this.accounts = accounts;
    this.admins = admins;
    this.sessions = sessions;
    this.signups = signups;
    this.outbox = outbox;
    this.reset = new PasswordReset(vertx, pool, sessions);
    this.hasher = hasher;
  }

  /** AUTH_ADMIN_ACCOUNTS {q?, account_id?, limit?, offset?} → {accounts, total}. */
  public Future<JsonObject> list(JsonObject body, RequestContext ctx) {
    String q = RequestFields.string(body, "q");
    String query = q == null || q.isBlank() ? null : q.trim().toLowerCase(java.util.Locale.ROOT);
    if (query != null && query.length() > 254) {
      throw ServiceException.badRequest("q must be at most 254 characters");
    }
    int limit = whole(body.getValue("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT, "limit");
    int offset = whole(body.getValue("offset"), 0, 0, Integer.MAX_VALUE, "offset");
    Long id = body.getValue("account_id") == null ? null : AccountIds.one(body);
    return admins.require(ctx).compose(admin -> store.search(query, id, limit, offset))
        .map(page -> Reply.data(new JsonObject().put("accounts", page.accounts()).put("total", page.total())));
  }

  /** AUTH_ADMIN_ACCOUNT_STATE {account_id, disabled} → {account_id, disabled}. */
  public Future<JsonObject> setState(JsonObject body, RequestContext ctx) {
    long target = AccountIds.one(body);
    if (!(body.getValue("disabled") instanceof Boolean disabled)) {
      throw ServiceException.badRequest("disabled must be true or false");
    }
    String action = disabled ? "account.disabled" : "account.enabled";
    return other(ctx, target).compose(admin -> pool.withTransaction(tx -> (disabled ? Admins.keepOne(tx, target)
            : Future.<Void>succeededFuture())
            .compose(v -> accounts.setDisabled(tx, target, disabled))
            .compose(found -> found
                ? logged(tx, ctx, admin, action, target)
                : Future.failedFuture(ServiceException.notFound(NOT_FOUND)))))
        .compose(v -> {
          if (!disabled) {
            return Future.succeededFuture(0);
          }
          stampChanged(target);
          return sessions.revokeAccount(target, "account_disabled");
        })
        .map(n -> Reply.data(new JsonObject().put("account_id", target).put("disabled", disabled))
            .put("message", disabled ? "Account disabled" : "Account enabled"));
  }

  /** AUTH_ADMIN_SIGN_OUT {account_id} → {sessions_revoked}: every browser login and session of the account ends. */
  public Future<JsonObject> signOut(JsonObject body, RequestContext ctx) {
    long target = AccountIds.one(body);
    return admins.require(ctx).compose(admin -> accounts.byId(target).compose(account -> {
      if (account == null || account.deletingAt() != null) {
        return Future.failedFuture(ServiceException.notFound(NOT_FOUND));
      }
      return pool.withTransaction(tx -> logged(tx, ctx, admin, "account.signed_out", target));
    }).compose(v -> accounts.changeStamp(target, dev.flamingo.sync.common.security.Tokens.randomHex(16)))
        .compose(v -> {
          stampChanged(target);
          return sessions.revokeAccount(target, "signed_out_by_admin");
        }))
        .map(n -> Reply.data(new JsonObject().put("sessions_revoked", n)).put("message", "Signed out everywhere"));
  }

  /** A body with a password: an admin does not choose the owner's password any more (issue 21). */
  public static final String ADMIN_RESET = "An admin's password is reset with the operator's command "
      + "(java -jar auth-service.jar reset-password EMAIL): the reset also removes the admin's second factors";
  public static final String NO_PASSWORD = "An admin does not choose the password: the reset answers a one-time link for the owner";

  /**
   * AUTH_ADMIN_PASSWORD_RESET {account_id} → {account_id, reset_token, expires_at, sessions_revoked}: a forgotten
   * password. The admin gets a one-time reset token for the owner (the gateway makes it a link) and never the password:
   * the owner chooses it there ({@link PasswordReset}), and the new account key is made from it only (the stored
   * encryption key is lost by design). Every login, session and claimed device request ends at once, on every gateway,
   * and the old password no longer signs in. Audited admin.account.password_reset on the admin's account.
   */
  public Future<JsonObject> resetPassword(JsonObject body, RequestContext ctx) {
    long target = AccountIds.one(body);
    // who asks first: a non-admin learns nothing about the body's rules
    return other(ctx, target).compose(admin -> body.getValue("password") != null
            ? Future.failedFuture(ServiceException.badRequest(NO_PASSWORD))
            // a reset removes the account's second factors: an admin's takes the operator's command
            : accounts.byId(target).compose(t -> t != null && t.admin()
                ? Future.failedFuture(new ServiceException(403, ADMIN_RESET))
                : Future.succeededFuture(admin)))
        .compose(admin -> reset.beginById(target, admin.id(), ctx, tx -> logged(tx, ctx, admin, "account.password_reset", target)))
        .map(done -> Reply.data(new JsonObject().put("account_id", target).put("reset_token", done.token())
                .put("expires_at", done.expiresAt().toInstant().toString())
                .put("sessions_revoked", sessions.announce(done.revoked())))
            .put("message", "Password reset: the account is signed out everywhere and the old password no longer signs "
                + "in. Give the owner the one-time link (shown only now): there they choose the new password; their "
                + "stored encryption key is lost, so they pair their devices again and rotate the key in the app"));
  }

  /**
   * AUTH_ADMIN_ROLE {account_id, admin, password} → {account_id, admin}: grants or revokes another account's admin
   * role; the calling admin types their own password again (400 "The password is wrong"). The last enabled admin
   * keeps the role (409). The account's cached logins are dropped on every gateway, so the change holds at once.
   */
  public Future<JsonObject> setRole(JsonObject body, RequestContext ctx) {
    long target = AccountIds.one(body);
    if (!(body.getValue("admin") instanceof Boolean grant)) {
      throw ServiceException.badRequest("admin must be true or false");
    }
    if (!(body.getValue("password") instanceof String password) || password.isEmpty()) {
      throw ServiceException.badRequest("Type your own password again to change an admin role");
    }
    String action = grant ? "account.admin_granted" : "account.admin_revoked";
    return other(ctx, target)
        .compose(admin -> HashingGate.of(vertx).run(() -> password.length() <= AccountService.MAX_PASSWORD
            && hasher.verify(password, admin.passwordHash())).compose(ok -> ok ? Future.succeededFuture(admin)
            : outbox.audit(pool, "admin.role.password_wrong", ctx, admin.id(), null, new JsonObject().put("target_account_id", target))
                .transform(ar -> Future.failedFuture(ServiceException.badRequest("The password is wrong")))))
        .compose(admin -> pool.withTransaction(tx -> (grant ? Future.<Void>succeededFuture() : Admins.keepOne(tx, target))
            .compose(v -> Admins.setRole(tx, target, grant))
            .compose(found -> found
                ? logged(tx, ctx, admin, action, target)
                : Future.failedFuture(ServiceException.notFound(NOT_FOUND)))))
        .map(v -> {
          stampChanged(target);
          return Reply.data(new JsonObject().put("account_id", target).put("admin", grant))
              .put("message", grant ? "Admin role granted" : "Admin role revoked");
        });
  }

  /** AUTH_ADMIN_LOG {limit?, before?} → {entries, next_before}: the server-wide admin log, newest first. */
  public Future<JsonObject> log(JsonObject body, RequestContext ctx) {
    int limit = whole(body.getValue("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT, "limit");
    Object rawBefore = body.getValue("before");
    Long before = rawBefore == null || (rawBefore instanceof String s && s.isBlank()) ? null
        : (long) whole(rawBefore, 0, 1, Integer.MAX_VALUE, "before");
    return admins.require(ctx).compose(admin -> AdminLog.page(pool, limit, before)).map(Reply::data);
  }

  /**
   * AUTH_ADMIN_QUOTA_LOGGED {account_id, quota_bytes} → {account_id}: records in the admin log and the account's
   * audit log a quota the admin set (data-service keeps quotas; the gateway calls this when it answered).
   */
  public Future<JsonObject> quotaSet(JsonObject body, RequestContext ctx) {
    long target = AccountIds.one(body);
    Object quota = body.getValue("quota_bytes");
    if (quota != null && !(quota instanceof Number)) {
      throw ServiceException.badRequest("quota_bytes must be a number of bytes or null");
    }
    return admins.require(ctx).compose(admin -> pool.withTransaction(tx -> AdminLog.record(tx, outbox, ctx, admin,
            "quota.set", target, new JsonObject().put("quota_bytes", quota))))
        .map(v -> Reply.data(new JsonObject().put("account_id", target)));
  }

  /** AUTH_ADMIN_FIGURES → {accounts, disabled_accounts, signup_mode}. */
  public Future<JsonObject> figures(JsonObject body, RequestContext ctx) {
    return admins.require(ctx).compose(admin -> Future.all(store.figures(), signups.mode()))
        .map(r -> Reply.data(r.<JsonObject>resultAt(0).put("signup_mode", r.<String>resultAt(1))));
  }

  /** AUTH_ADMIN_EXISTS → {admins}: the number of enabled admins (for the start banner; no login needed). */
  public Future<JsonObject> exists(JsonObject body, RequestContext ctx) {
    return pool.query("select count(*) as admins from accounts where " + Admins.ENABLED_ADMIN).execute()
        .map(rows -> Reply.data(new JsonObject().put("admins", rows.iterator().next().getLong("admins"))));
  }

  /** The calling admin, when {@code target} is another account (an admin's own account: 400). */
  public Future<Account> other(RequestContext ctx, long target) {
    return admins.require(ctx).map(admin -> {
      if (admin.id() == target) {
        throw ServiceException.badRequest(OWN_ACCOUNT);
      }
      return admin;
    });
  }

  /**
   * An admin's {@code action} on {@code target}, in {@code tx}: {@code admin.<action>} in the admin's own audit log
   * (with the admin's IP), and the server-wide admin log, which also writes it to the target's audit log.
   */
  private Future<Void> logged(SqlClient tx, RequestContext ctx, Account admin, String action, long target) {
    return outbox.audit(tx, "admin." + action, ctx, admin.id(), null, new JsonObject().put("target_account_id", target))
        .compose(v -> AdminLog.record(tx, outbox, ctx, admin, action, target, null));
  }

  /** Every gateway drops the account's cached browser logins. */
  public void stampChanged(long account) {
    vertx.eventBus().publish(Addresses.EVENT_ACCOUNT_STAMP_CHANGED, new JsonObject().put("account_id", account));
  }

  private static int whole(Object raw, int fallback, int min, int max, String name) {
    if (raw == null || (raw instanceof String s && s.isBlank())) {
      return fallback;
    }
    long n;
    if (raw instanceof Integer || raw instanceof Long) {
      n = ((Number) raw).longValue();
    } else if (raw instanceof String s && s.trim().matches("[0-9]{1,9}")) {
      n = Long.parseLong(s.trim());
    } else {
      throw ServiceException.badRequest(name + " must be a whole number");
    }
    if (n < min) {
      throw ServiceException.badRequest(name + " must be at least " + min);
    }
    return (int) Math.min(n, max);
  }
}
