package dev.flamingo.sync.auth.account;

import dev.flamingo.sync.auth.account.AccountStore.Account;
import dev.flamingo.sync.auth.admin.AdminLog;
import dev.flamingo.sync.auth.admin.AdminService;
import dev.flamingo.sync.auth.admin.Admins;
import dev.flamingo.sync.auth.session.SessionService;
import dev.flamingo.sync.auth.support.RequestFields;
import dev.flamingo.sync.common.bus.AccountIds;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/**
 * Deleting an account, by its owner (with the password) or by an admin, in two steps around the other
 * services' purge (the gateway runs them in order: begin, data-service's purge, finish):
 * <ol>
 *   <li>{@code begin}: the account is marked as being deleted (disabled: no sign-in, no new session), its
 *       browser logins and sessions end on every gateway;
 *   <li>{@code finish}: the account's rows here go (sessions, keys, logins cascade) and the audit record
 *       {@code account.deleted} (no e-mail) is written to the outbox; device-service, receiving it after
 *       every earlier event of the account, removes the account's devices and audit log but that record.
 * </ol>
 * Both steps repeat safely: a deletion cut short is finished by asking again.
 */
public final class AccountDeletion {
  private final Vertx vertx;
  private final Pool pool;
  private final AccountStore store;
  private final PasswordHasher hasher;
  private final SessionService sessions;
  private final AdminService admin;
  private final Outbox outbox;
  private final HashingGate gate;

  public AccountDeletion(Vertx vertx, Pool pool, AccountStore store, PasswordHasher hasher, SessionService sessions,
      AdminService admin, Outbox outbox) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
    this.hasher = hasher;
    this.sessions = sessions;
    this.admin = admin;
    this.outbox = outbox;
    this.gate = HashingGate.of(vertx);
  }

  /** AUTH_ACCOUNT_DELETE_BEGIN {password} (own account) or {account_id} (an admin) → {account_id, email}. */
  public Future<JsonObject> begin(JsonObject body, RequestContext ctx) {
    long caller = ctx.requireAccount();
    boolean byAdmin = body.getValue("account_id") != null;
    Account[] actor = new Account[1];
    Future<Account> target = byAdmin
        ? admin.other(ctx, AccountIds.one(body)).compose(a -> {
          actor[0] = a;
          return store.byId(AccountIds.one(body));
        })
        : own(caller, RequestFields.string(body, "password"));
    return target.compose(account -> {
      if (account == null) {
        return Future.failedFuture(ServiceException.notFound(AdminService.NOT_FOUND));
      }
      // the last enabled admin is not deleted (409), by another admin or by themselves; an admin's deletion is in
      // the admin log from its first step (once), in the same transaction
      return pool.withTransaction(tx -> Admins.keepOne(tx, account.id())
              .compose(v -> store.markDeleting(tx, account.id()))
              .compose(found -> !byAdmin || account.deletingAt() != null ? Future.succeededFuture()
                  : AdminLog.record(tx, null, ctx, actor[0], "account.deleted", account.id(), null)))
          .compose(v -> {
            admin.stampChanged(account.id());
            return sessions.revokeAccount(account.id(), "account_deleted");
          })
          .map(n -> Reply.data(new JsonObject().put("account_id", account.id()).put("email", account.email())));
    });
  }

  /** AUTH_ACCOUNT_DELETE_FINISH {account_id} → message "Account deleted"; 409 unless begun. */
  public Future<JsonObject> finish(JsonObject body, RequestContext ctx) {
    long caller = ctx.requireAccount();
    long target = AccountIds.one(body);
    boolean self = caller == target;
    Future<Long> by = self ? Future.succeededFuture((Long) null) : admin.other(ctx, target).map(Account::id);
    return by.compose(adminId -> pool.withTransaction(tx -> store.delete(tx, target).compose(deleted -> {
      if (!deleted) {
        return Future.failedFuture(new ServiceException(409, "This account is not being deleted: begin again"));
      }
      JsonObject meta = new JsonObject().put("by", self ? "owner" : "admin");
      Future<Void> record = outbox.audit(tx, "account.deleted", ctx, target, null, meta);
      return adminId == null ? record : record.compose(v -> outbox.audit(tx, "admin.account.deleted", ctx, adminId, null,
          new JsonObject().put("target_account_id", target)));
    }))).map(v -> Reply.message("Account deleted"));
  }

  /** The caller's own account, when the password is its password (400 otherwise). */
  private Future<Account> own(long caller, String password) {
    if (password == null || password.isEmpty()) {
      throw ServiceException.badRequest("Confirm your password to delete your account");
    }
    if (password.length() > AccountService.MAX_PASSWORD) {
      throw ServiceException.badRequest("The password is wrong");
    }
    return store.byId(caller).compose(account -> gate.run(() -> {
      if (account == null) {
        throw ServiceException.unauthorized();
      }
      if (!hasher.verify(password, account.passwordHash())) {
        throw ServiceException.badRequest("The password is wrong");
      }
      return account;
    }));
  }
}
