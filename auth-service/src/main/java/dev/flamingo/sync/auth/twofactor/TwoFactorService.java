package dev.flamingo.sync.auth.twofactor;

import dev.flamingo.sync.auth.account.AccountStore;
import dev.flamingo.sync.auth.account.HashingGate;
import dev.flamingo.sync.auth.account.PasswordHasher;
import dev.flamingo.sync.auth.support.RequestFields;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * The account's second factors over the bus: the second step of a sign-in with a TOTP code or a recovery code, and
 * Dashboard → Security (status, enroll TOTP, remove it, new recovery codes). Every change is audited, and the
 * gateways forget their cached view of the account's logins (whether an admin still has to enroll).
 */
public final class TwoFactorService {
  public static final String WRONG_PASSWORD = "The password is wrong";
  public static final String WRONG_CODE = "The code is wrong";

  private final Vertx vertx;
  private final Pool pool;
  private final SecondStep step;
  private final TotpFactor totp;
  private final RecoveryCodes codes;
  private final AccountStore accounts;
  private final PasswordHasher hasher;
  private final Outbox outbox;
  private final AdminPolicy policy;

  public TwoFactorService(Vertx vertx, Pool pool, SecondStep step, TotpFactor totp, RecoveryCodes codes,
      AccountStore accounts, PasswordHasher hasher, Outbox outbox, AdminPolicy policy) {
    this.vertx = vertx;
    this.pool = pool;
    this.step = step;
    this.totp = totp;
    this.codes = codes;
    this.accounts = accounts;
    this.hasher = hasher;
    this.outbox = outbox;
    this.policy = policy;
  }

  /** AUTH_SECOND_STEP {token, method: totp|recovery_code, code} → the sign-in (as a login without second factor). */
  public Future<JsonObject> secondStep(JsonObject body, RequestContext ctx) {
    String method = RequestFields.string(body, "method");
    String code = RequestFields.string(body, "code");
    if (method == null || method.isEmpty()) {
      method = TotpFactor.METHOD;
    }
    if (!TotpFactor.METHOD.equals(method) && !RecoveryCodes.METHOD.equals(method)) {
      throw ServiceException.badRequest("method is totp or recovery_code");
    }
    if (code == null || code.isBlank()) {
      throw ServiceException.badRequest("code is required");
    }
    String token = RequestFields.string(body, "token");
    if (token == null || token.isBlank()) {
      throw ServiceException.badRequest("token is required");
    }
    String m = method;
    String typed = code.trim();
    return step.open(token, ctx).compose(pending -> TotpFactor.METHOD.equals(m)
        ? byTotp(pending, typed, ctx) : byRecoveryCode(pending, typed, ctx));
  }

  private Future<JsonObject> byTotp(SecondStep.Pending pending, String code, RequestContext ctx) {
    long account = pending.accountId();
    return totp.find(account).compose(stored -> {
      if (stored == null || !stored.confirmed() || stored.lastStep() >= Totp.step()) {
        // none, or this 30-second step's code was already taken (a replay)
        return step.failed(pending, TotpFactor.METHOD, ctx);
      }
      return Totp.check(stored.secret(), code).compose(right -> !right
          ? step.failed(pending, TotpFactor.METHOD, ctx)
          // the step now (never earlier than the code's): a replay within the code's window finds it taken
          : pool.withTransaction(tx -> totp.take(tx, account, Totp.step())).compose(taken -> taken
              ? step.complete(pending.id(), account, TotpFactor.METHOD, ctx)
              : step.failed(pending, TotpFactor.METHOD, ctx)));
    });
  }

  private Future<JsonObject> byRecoveryCode(SecondStep.Pending pending, String code, RequestContext ctx) {
    long account = pending.accountId();
    return step.has(account).compose(has -> !has ? Future.succeededFuture(false)
            : pool.withTransaction(tx -> codes.use(tx, account, code).compose(used -> used
                ? codes.left(account).compose(left -> outbox.audit(tx, "account.recovery_code.used", ctx, account, null,
                    new JsonObject())).map(true)
                : Future.succeededFuture(false))))
        .compose(used -> used ? step.complete(pending.id(), account, RecoveryCodes.METHOD, ctx)
            : step.failed(pending, RecoveryCodes.METHOD, ctx));
  }

  /** AUTH_TWO_FACTOR_STATUS → {totp, recovery_codes_left, methods, required, reset_at}. */
  public Future<JsonObject> status(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    return accounts.byId(account).compose(a -> {
      if (a == null) {
        throw ServiceException.unauthorized();
      }
      return Future.all(step.methods(account), codes.left(account), resetAt(account)).map(r -> {
        List<String> methods = r.resultAt(0);
        return Reply.data(new JsonObject()
            .put("totp", methods.contains(TotpFactor.METHOD))
            .put("recovery_codes_left", r.<Integer>resultAt(1))
            .put("methods", new JsonArray(methods))
            .put("required", a.admin() && policy.required())
            .put("reset_at", r.resultAt(2)));
      });
    });
  }

  /** AUTH_TOTP_BEGIN → {secret, otpauth_uri, qr_svg}: a new secret waits for its first code; 409 when TOTP is on. */
  public Future<JsonObject> totpBegin(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    String secret = Totp.newSecret();
    return accounts.byId(account).compose(a -> {
      if (a == null) {
        throw ServiceException.unauthorized();
      }
      return totp.offer(account, secret).map(offered -> {
        if (!offered) {
          throw new ServiceException(409, "An authenticator app is already set up; remove it first");
        }
        String uri = Totp.uri(secret, a.email());
        return Reply.data(new JsonObject().put("secret", secret).put("otpauth_uri", uri).put("qr_svg", Totp.svg(uri)));
      });
    });
  }

  /**
   * AUTH_TOTP_CONFIRM {code} → {recovery_codes}: the first right code turns TOTP on (audited account.totp.enrolled);
   * the account's first second factor also gets its ten recovery codes (else recovery_codes is null).
   */
  public Future<JsonObject> totpConfirm(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    String code = RequestFields.string(body, "code");
    if (code == null || code.isBlank()) {
      throw ServiceException.badRequest("code is required");
    }
    return totp.find(account).compose(stored -> {
      if (stored == null || stored.confirmed()) {
        return Future.failedFuture(new ServiceException(409, "Start the set-up of an authenticator app first"));
      }
      return Totp.check(stored.secret(), code.trim()).compose(right -> {
        if (!right) {
          return Future.failedFuture(ServiceException.badRequest(WRONG_CODE));
        }
        return codes.left(account).compose(left -> pool.withTransaction(tx -> totp.confirm(tx, account, Totp.step())
            .compose(confirmed -> confirmed ? Future.succeededFuture()
                : Future.<Void>failedFuture(new ServiceException(409, "Start the set-up of an authenticator app first")))
            .compose(v -> left == 0 ? codes.replace(tx, account) : Future.succeededFuture((List<String>) null))
            .compose(fresh -> outbox.audit(tx, "account.totp.enrolled", ctx, account, null, new JsonObject())
                .map(fresh))));
      }).map(fresh -> {
        changed(account);
        return Reply.data(new JsonObject().put("recovery_codes", fresh == null ? null : new JsonArray(fresh)))
            .put("message", "Two-factor sign-in is on");
      });
    });
  }

  /** AUTH_TOTP_REMOVE {password}: TOTP off (audited account.totp.removed); the last factor takes the recovery codes with it. */
  public Future<JsonObject> totpRemove(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    return checkPassword(account, RequestFields.string(body, "password"))
        .compose(v -> pool.withTransaction(tx -> totp.remove(tx, account).compose(removed -> removed
            ? outbox.audit(tx, "account.totp.removed", ctx, account, null, new JsonObject())
            : Future.failedFuture(ServiceException.notFound("No authenticator app is set up")))))
        .compose(v -> step.has(account))
        .compose(still -> still ? Future.succeededFuture()
            : pool.withTransaction(tx -> codes.remove(tx, account)))
        .map(v -> {
          changed(account);
          return Reply.message("The authenticator app is removed");
        });
  }

  /** AUTH_RECOVERY_CODES {password} → {recovery_codes}: ten new codes, the earlier ones end (audited). */
  public Future<JsonObject> newRecoveryCodes(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    return checkPassword(account, RequestFields.string(body, "password"))
        .compose(v -> step.has(account))
        .compose(has -> has ? pool.withTransaction(tx -> codes.replace(tx, account)
                .compose(fresh -> outbox.audit(tx, "account.recovery_codes.regenerated", ctx, account, null,
                    new JsonObject()).map(fresh)))
            : Future.failedFuture(new ServiceException(409, "Set up a second factor first")))
        .map(fresh -> Reply.data(new JsonObject().put("recovery_codes", new JsonArray(fresh))));
  }

  /** Whether the account is an admin who must enroll a second factor before any admin action. */
  public Future<Boolean> adminMustEnroll(long account, boolean admin) {
    if (!admin || !policy.required()) {
      return Future.succeededFuture(false);
    }
    return step.has(account).map(has -> !has);
  }

  private Future<String> resetAt(long account) {
    return pool.preparedQuery("select second_factors_reset_at from accounts where id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(account)).map(rows -> {
          var at = rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime("second_factors_reset_at");
          return at == null ? null : at.toInstant().toString();
        });
  }

  private Future<Void> checkPassword(long account, String password) {
    if (password == null || password.isEmpty() || password.length() > dev.flamingo.sync.auth.account.AccountService.MAX_PASSWORD) {
      return Future.failedFuture(ServiceException.badRequest(WRONG_PASSWORD));
    }
    return accounts.byId(account).compose(a -> HashingGate.of(vertx).run(() -> {
      if (a == null || !hasher.verify(password, a.passwordHash())) {
        throw ServiceException.badRequest(WRONG_PASSWORD);
      }
      return null;
    })).mapEmpty();
  }

  /** The gateways forget the account's cached logins: the next request sees the new second-factor state. */
  private void changed(long account) {
    vertx.eventBus().publish(Addresses.EVENT_ACCOUNT_STAMP_CHANGED, new JsonObject().put("account_id", account));
  }
}
