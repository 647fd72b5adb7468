package dev.flamingo.sync.auth.account;

import dev.flamingo.sync.auth.account.AccountStore.Account;
import dev.flamingo.sync.auth.admin.Admins;
import dev.flamingo.sync.auth.custody.AccountKeys;
import dev.flamingo.sync.auth.deviceflow.TempTokenStore;
import dev.flamingo.sync.auth.signup.SignupPolicy;
import dev.flamingo.sync.auth.support.RequestFields;
import dev.flamingo.sync.auth.twofactor.SecondStep;
import dev.flamingo.sync.auth.twofactor.TwoFactorService;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.outbox.Outbox;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.common.text.DisplayText;
import io.vertx.sqlclient.Pool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/** Accounts and browser logins: register, login, validate the login cookie, change the password. */
public final class AccountService {
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
  public static final int MIN_PASSWORD = PasswordPolicy.MIN_LENGTH;
  public static final int MAX_PASSWORD = PasswordPolicy.MAX_LENGTH;
  public static final String DISABLED = "This account is disabled";

  private final Vertx vertx;
  private final AccountStore store;
  private final PasswordHasher hasher;
  private final BrowserTokens tokens;
  private final Pool pool;
  private final Outbox outbox;
  private final SignupPolicy signups;
  private final Admins admins;
  private final AccountKeys keys;
  private final HashingGate gate;
  private SecondStep secondStep;
  private TwoFactorService twoFactor;

  public AccountService(Vertx vertx, Pool pool, AccountStore store, PasswordHasher hasher, BrowserTokens tokens,
      Outbox outbox, SignupPolicy signups, Admins admins, AccountKeys keys) {
    this.keys = keys;
    this.vertx = vertx;
    this.gate = HashingGate.of(vertx);
    this.store = store;
    this.hasher = hasher;
    this.tokens = tokens;
    this.pool = pool;
    this.outbox = outbox;
    this.signups = signups;
    this.admins = admins;
  }

  /** Second factors: a login of an account that has one answers with a second step instead of a sign-in. */
  public AccountService withSecondFactors(SecondStep secondStep, TwoFactorService twoFactor) {
    this.secondStep = secondStep;
    this.twoFactor = twoFactor;
    return this;
  }

  /**
   * AUTH_REGISTER {email, password, invite?} → {account_id, email, browser_token, browser_token_max_age}; 403
   * when sign-ups are closed, or invite-only and the invite is missing or no longer valid (it is taken in the
   * sign-up's transaction: one account per invite).
   */
  public Future<JsonObject> register(JsonObject body, RequestContext ctx) {
    String invite = RequestFields.string(body, "invite");
    // closed sign-ups refuse before anything else is looked at; then the password's hash and the key that wraps
    // the new account key (two Argon2id runs, off the event loop)
    return signups.admit(invite == null || invite.isBlank() ? null : invite.trim())
        .compose(admitted -> create(body, admitted, ctx))
        .map(this::signedIn);
  }

  /** The new account of a sign-up that was admitted (taking {@code invite}, when one was needed, in its transaction). */
  private Future<Account> create(JsonObject body, byte[] invite, RequestContext ctx) {
    String email = email(body);
    String password = RequestFields.string(body, "password");
    return vertx.executeBlocking(() -> checkNewPassword(password, email), false)
        .compose(v -> gate.run(() -> hasher.hash(password)))
        .compose(hash -> keys.derive(password).compose(derived -> pool.withTransaction(tx -> store.insert(tx, email, hash,
                Tokens.randomHex(16))
            .compose(account -> account == null
                ? Future.failedFuture(new ServiceException(409, "An account with this email already exists"))
                : signups.take(tx, invite, account.id()).compose(v -> keys.create(tx, account.id(), derived)).map(ak -> {
                  ak.wipe();
                  return account;
                }))
            .compose(account -> outbox.audit(tx, "account.registered", ctx, account.id(), null,
                new JsonObject().put("invited", invite != null)).map(account)))));
  }

  /**
   * AUTH_LOGIN {email, password} → as register; 401 for an unknown email or a wrong password alike. An account with
   * a second factor gets {second_step: {token, methods, expires_in}} instead, and no browser token: the sign-in is
   * finished by AUTH_SECOND_STEP (or another verifier of {@link SecondStep}).
   */
  public Future<JsonObject> login(JsonObject body, RequestContext ctx) {
    String email = normalize(RequestFields.string(body, "email"));
    String password = RequestFields.string(body, "password");
    if (email == null || password == null || password.isEmpty()) {
      throw new ServiceException(400, "Email and password are required");
    }
    if (password.length() > MAX_PASSWORD) {
      throw new ServiceException(401, "Invalid email or password");
    }
    return store.byEmail(email).compose(account -> gate.run(() -> {
      if (account == null) {
        hasher.verifyDummy(password);
        return false;
      }
      return hasher.verify(password, account.passwordHash());
    }).compose(ok -> {
      // nothing else changes on a login: its audit event is one outbox insert of its own
      if (!ok) {
        return outbox.audit(pool, "auth.login.failed", ctx, account == null ? null : account.id(), null,
                new JsonObject().put("known_account", account != null))
            .transform(ar -> Future.failedFuture(new ServiceException(401, "Invalid email or password")));
      }
      if (account.disabled()) {
        return outbox.audit(pool, "auth.login.refused", ctx, account.id(), null, new JsonObject().put("reason", "disabled"))
            .transform(ar -> Future.failedFuture(new ServiceException(403, DISABLED)));
      }
      // an account from before key custody gets its account key now (the password is at hand)
      return keys.ensure(account.id(), password, ctx)
          .compose(v -> secondStep.methods(account.id()))
          .compose(methods -> !methods.isEmpty()
              ? secondStep.begin(account.id(), methods, ctx).map(Reply::data)
              : outbox.audit(pool, "auth.login", ctx, account.id(), null, new JsonObject()).map(v -> signedIn(account)));
    }));
  }

  /** AUTH_BROWSER_VALIDATE {browser_token} → {account_id, email}; 401 unless valid and the stamp is current. */
  public Future<JsonObject> validate(JsonObject body, RequestContext ctx) {
    String token = RequestFields.string(body, "browser_token");
    if (token == null || token.isEmpty() || token.length() > 4096) {
      throw ServiceException.unauthorized();
    }
    return tokens.verify(token)
        .recover(t -> Future.failedFuture(ServiceException.unauthorized()))
        .compose(claims -> store.byIdWithLiveLogin(claims.accountId(), claims.loginId()).compose(account -> {
          if (account == null || !Tokens.constantTimeEquals(bytes(account.securityStamp()), bytes(claims.stamp()))) {
            throw ServiceException.unauthorized();
          }
          return twoFactor.adminMustEnroll(account.id(), account.admin()).map(mustEnroll ->
              Reply.data(new JsonObject().put("account_id", account.id()).put("email", account.email())
                  .put("is_admin", account.admin()).put("admin_must_enroll", mustEnroll)));
        }));
  }

  /**
   * AUTH_BROWSER_LOGOUT {browser_token} → {account_id}: that login is refused from now on, on every
   * gateway (published event). A token that is no valid login has nothing to end: {account_id: null}.
   */
  public Future<JsonObject> logout(JsonObject body, RequestContext ctx) {
    String token = RequestFields.string(body, "browser_token");
    if (token == null || token.isEmpty() || token.length() > 4096) {
      return Future.succeededFuture(signedOut(null));
    }
    return tokens.verify(token).transform(ar -> {
      if (ar.failed()) {
        return Future.succeededFuture(signedOut(null));
      }
      BrowserTokens.Claims claims = ar.result();
      OffsetDateTime expires = OffsetDateTime.ofInstant(claims.expiresAt(), ZoneOffset.UTC);
      // the ended login and its audit event commit together (outbox); then the gateways evict it
      return pool.withTransaction(tx -> store.endLogin(tx, claims.loginId(), claims.accountId(), expires)
              .compose(v -> outbox.audit(tx, "auth.logout", ctx, claims.accountId(), null, new JsonObject())))
          .map(v -> {
            vertx.eventBus().publish(Addresses.EVENT_BROWSER_LOGGED_OUT, new JsonObject()
                .put("account_id", claims.accountId()).put("login_id", claims.loginId().toString()));
            return signedOut(claims.accountId());
          });
    });
  }

  /** Forgets ended logins past their expiry (cleanup job); how many. */
  public Future<Integer> cleanup() {
    return store.deleteExpiredEndedLogins();
  }

  private static JsonObject signedOut(Long accountId) {
    return Reply.data(new JsonObject().put("account_id", accountId)).put("message", "Signed out");
  }

  /** AUTH_ACCOUNT_ME → {account_id, email, created_at, is_admin}. */
  public Future<JsonObject> me(JsonObject body, RequestContext ctx) {
    return store.byId(ctx.requireAccount()).map(account -> {
      if (account == null) {
        throw ServiceException.unauthorized();
      }
      return Reply.data(new JsonObject().put("account_id", account.id()).put("email", account.email())
          .put("created_at", account.createdAt().toInstant().toString())
          .put("is_admin", account.admin()));
    });
  }

  /** AUTH_PASSWORD_CHANGE {current_password, new_password} → a new login; every earlier login ends. */
  public Future<JsonObject> changePassword(JsonObject body, RequestContext ctx) {
    long id = ctx.requireAccount();
    String current = RequestFields.string(body, "current_password");
    if (current == null || current.isEmpty()) {
      throw new ServiceException(400, "current_password is required");
    }
    String next = RequestFields.string(body, "new_password");
    return store.byId(id).compose(account -> vertx.executeBlocking(
        () -> checkNewPassword(next, account == null ? null : account.email()), false).compose(v -> gate.run(() -> {
      if (account == null || !hasher.verify(current, account.passwordHash())) {
        throw new ServiceException(400, "The current password is wrong");
      }
      return hasher.hash(next);
    })).compose(hash -> keys.rewrapped(id, current, next).compose(wrap -> {
      // the same account key under the new password: every paired device's grant keeps working
      String stamp = Tokens.randomHex(16);
      return pool.withTransaction(tx -> store.changePassword(tx, id, account.securityStamp(), hash, stamp)
          .compose(changed -> changed
              // the devices keep their sessions; requests claimed but not yet exchanged end (issue 21)
              ? keys.store(tx, wrap).compose(v -> TempTokenStore.denyClaimedBy(tx, id))
                  .compose(n -> outbox.audit(tx, "account.password_changed", ctx, id, null, new JsonObject()))
              : Future.failedFuture(new ServiceException(409, "The account changed meanwhile, try again"))))
          .compose(v -> keys.afterStore(id, wrap, ctx))
          .map(v -> {
            vertx.eventBus().publish(Addresses.EVENT_ACCOUNT_STAMP_CHANGED, new JsonObject().put("account_id", id));
            return signedIn(new Account(id, account.email(), hash, stamp, account.createdAt()));
          });
    })));
  }

  /** Ends every browser login of the account (new stamp). */
  public Future<Void> newStamp(long accountId) {
    return store.changeStamp(accountId, Tokens.randomHex(16)).onSuccess(v -> vertx.eventBus()
        .publish(Addresses.EVENT_ACCOUNT_STAMP_CHANGED, new JsonObject().put("account_id", accountId)));
  }

  /** The sign-in of an account that finished its second step: 403 when it was disabled meanwhile. */
  public Future<JsonObject> signedIn(long accountId) {
    return store.byId(accountId).map(account -> {
      if (account == null) {
        throw ServiceException.unauthorized();
      }
      if (account.disabled()) {
        throw new ServiceException(403, DISABLED);
      }
      return signedIn(account);
    });
  }

  private JsonObject signedIn(Account account) {
    return Reply.data(new JsonObject()
        .put("account_id", account.id())
        .put("email", account.email())
        .put("browser_token", tokens.issue(account.id(), account.securityStamp()))
        .put("browser_token_max_age", tokens.lifetimeSeconds()));
  }

  private static String email(JsonObject body) {
    String email = normalize(RequestFields.string(body, "email"));
    if (email == null || email.isEmpty() || RequestFields.string(body, "password") == null) {
      throw new ServiceException(400, "Email and password are required");
    }
    if (email.length() > 254 || !EMAIL.matcher(email).matches() || DisplayText.hasLoneSurrogate(email)
        || email.codePoints().anyMatch(DisplayText::forbidden)) {
      throw new ServiceException(400, "Invalid email");
    }
    return email;
  }

  /**
   * The check of every new password (sign-up, change, reset, a reset link's page): 400 with the reason unless
   * {@link PasswordPolicy} takes it for the account {@code email} (null when unknown); returns the password.
   * Scoring takes up to tens of milliseconds: call it off the event loop. A sign-in never checks it.
   */
  public static String checkNewPassword(String password, String email) {
    PasswordPolicy.check(password, email);
    return password;
  }

  private static String normalize(String email) {
    return email == null ? null : email.trim().toLowerCase(java.util.Locale.ROOT);
  }

  private static byte[] bytes(String s) {
    return s == null ? new byte[0] : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
