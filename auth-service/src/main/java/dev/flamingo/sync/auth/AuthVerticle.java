package dev.flamingo.sync.auth;

import dev.flamingo.sync.auth.account.AccountDeletion;
import dev.flamingo.sync.auth.account.AccountService;
import dev.flamingo.sync.auth.account.AccountStore;
import dev.flamingo.sync.auth.account.BrowserTokens;
import dev.flamingo.sync.auth.account.HashingGate;
import dev.flamingo.sync.auth.account.PasswordHasher;
import dev.flamingo.sync.auth.account.PasswordReset;
import dev.flamingo.sync.auth.admin.AdminService;
import dev.flamingo.sync.auth.admin.Admins;
import dev.flamingo.sync.auth.custody.AccountKeyStore;
import dev.flamingo.sync.auth.custody.AccountKeys;
import dev.flamingo.sync.auth.deviceflow.DeviceFlowService;
import dev.flamingo.sync.auth.deviceflow.TempTokenStore;
import dev.flamingo.sync.auth.passkey.PasskeySecondStep;
import dev.flamingo.sync.auth.passkey.Passkeys;
import dev.flamingo.sync.auth.session.SessionService;
import dev.flamingo.sync.auth.session.SessionStore;
import dev.flamingo.sync.auth.signup.SignupPolicy;
import dev.flamingo.sync.auth.signup.SignupStore;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.ServiceConsumers;
import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.outbox.Outbox;
import dev.flamingo.sync.common.outbox.OutboxRelay;
import dev.flamingo.sync.auth.twofactor.AdminPolicy;
import dev.flamingo.sync.auth.twofactor.RecoveryCodes;
import dev.flamingo.sync.auth.twofactor.SecondStep;
import dev.flamingo.sync.auth.twofactor.TotpFactor;
import dev.flamingo.sync.auth.twofactor.TwoFactorService;
import dev.flamingo.sync.common.security.KekSource;
import dev.flamingo.sync.common.security.KeyWrapper;
import dev.flamingo.sync.common.security.SecretFiles;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** auth-service: accounts and browser logins, the device flow, sessions. Owns the {@code auth} schema. */
public class AuthVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);
  static final long DRAIN_MS = 10_000;

  private Pool pool;
  private long cleanupTimer = -1;
  private OutboxRelay relay;
  private ServiceConsumers consumers;
  private KeyWrapper kek;
  private static final java.util.concurrent.atomic.AtomicBoolean POLICY_SAID = new java.util.concurrent.atomic.AtomicBoolean();

  /** FLAMINGO_ADMIN_2FA, once a process: optional is said loudly. */
  private static void sayAdminPolicy(AdminPolicy policy) {
    if (!POLICY_SAID.compareAndSet(false, true)) {
      return;
    }
    if (policy.required()) {
      LOG.info("Admins need a second factor ({}=required): an admin without one is sent to enroll", Setting.ADMIN_2FA.key());
    } else {
      LOG.warn("!!! {}=optional: admins may use the admin pages with a password alone; ASVS 4.3.1 wants a second "
          + "factor for admin interfaces. Set it to required unless this is a small install that accepts the risk !!!",
          Setting.ADMIN_2FA.key());
    }
  }

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    AdminPolicy policy = AdminPolicy.of(settings);
    sayAdminPolicy(policy);
    return vertx.executeBlocking(() -> jwtSecret(settings), false)
        .compose(secret -> vertx.executeBlocking(() -> KekSource.load(settings), false).map(kek -> {
          this.kek = kek;
          return secret;
        }))
        .compose(secret -> Database.open(vertx, settings, "auth").map(p -> {
          pool = p;
          return secret;
        }))
        .compose(secret -> seedAdmins(settings).map(secret))
        .compose(secret -> wire(settings, secret, policy));
  }

  private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * The admin role is stored on the account: once per database, when it is introduced, the accounts named in
   * FLAMINGO_ADMIN_EMAILS get it (one line says how many); afterwards the variable grants nothing (one WARN line
   * a process when it is still set).
   */
  private Future<Void> seedAdmins(Settings settings) {
    java.util.List<String> emails = settings.list(Setting.ADMIN_EMAILS);
    return Admins.seedOnce(pool, emails).map(granted -> {
      if (granted >= 0) {
        LOG.info("The admin role is now stored on the account: {} account(s) named in {} got it, once", granted,
            Settings.ADMIN_EMAILS);
      }
      if (!emails.isEmpty() && WARNED.compareAndSet(false, true)) {
        LOG.warn("{} no longer grants admin; use the operator's command (admin grant EMAIL) or the admin page, "
            + "and unset it", Settings.ADMIN_EMAILS);
      }
      return null;
    });
  }

  private Future<Void> wire(Settings settings, String secret, AdminPolicy policy) {
    Outbox audit = new Outbox();
    relay = OutboxRelay.startFor(vertx, pool, audit);
    BrowserTokens browserTokens = new BrowserTokens(vertx, secret, settings.number(Setting.BROWSER_LOGIN_HOURS) * 3600);
    // every Argon2id run below goes through the gate, and reuses the memory of the runs before it
    PasswordHasher hasher = new PasswordHasher(HashingGate.of(vertx, settings).memory());
    AccountKeyStore keyStore = new AccountKeyStore();
    AccountKeys keys = new AccountKeys(vertx, pool, keyStore, hasher);
    AccountStore accountStore = new AccountStore(pool);
    Admins admins = new Admins(accountStore);
    SignupPolicy signups = new SignupPolicy(new SignupStore(pool), settings.signupMode(), admins, audit);
    AccountService accounts = new AccountService(vertx, pool, accountStore, hasher, browserTokens,
        audit, signups, admins, keys);
    SessionService sessions = new SessionService(vertx, pool, new SessionStore(pool), audit,
        settings.integer(Setting.SESSION_TTL_DAYS));
    AdminService admin = new AdminService(vertx, pool, accountStore, admins, sessions, signups, audit, hasher);
    AccountDeletion deletion = new AccountDeletion(vertx, pool, accountStore, hasher, sessions, admin, audit);
    RecoveryCodes recoveryCodes = new RecoveryCodes(pool);
    TotpFactor totp = new TotpFactor(pool, kek);
    // after a KEK rotation: the TOTP secrets move to the new KEK, so the old one can go
    totp.resealUnderCurrentKek()
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("{} TOTP secret(s) sealed again under the current key-encryption key ({})", n, kek.currentId());
          }
        })
        .onFailure(t -> LOG.warn("TOTP secrets could not be sealed again under the current KEK: {}", t.getMessage()));
    Passkeys passkeys = new Passkeys(vertx, pool, accountStore, hasher, audit, settings.publicUrl());
    SecondStep secondStep = new SecondStep(pool, audit, accounts::signedIn).with(totp).with(recoveryCodes)
        .with(passkeys.verifier());
    passkeys.withSecondStep(secondStep, recoveryCodes);
    PasskeySecondStep passkeyStep = new PasskeySecondStep(secondStep, passkeys.verifier());
    TwoFactorService twoFactor = new TwoFactorService(vertx, pool, secondStep, totp, recoveryCodes, accountStore,
        hasher, audit, policy);
    accounts.withSecondFactors(secondStep, twoFactor);
    admins.requireSecondFactor(id -> twoFactor.adminMustEnroll(id, true));
    DeviceFlowService flow = new DeviceFlowService(vertx, pool, new TempTokenStore(pool), sessions, audit,
        settings.integer(Setting.TEMP_TOKEN_TTL_SECONDS), keys, keyStore);

    long interval = settings.number(Setting.CLEANUP_INTERVAL_SECONDS) * 1000;
    cleanupTimer = vertx.setPeriodic(interval, id -> Future.all(flow.cleanup(), sessions.cleanup(), accounts.cleanup(), secondStep.cleanup())
        .onSuccess(r -> LOG.debug("cleanup: {} temp tokens, {} sessions, {} ended browser logins", r.resultAt(0),
            r.resultAt(1), r.resultAt(2)))
        .onFailure(t -> LOG.warn("cleanup failed: {}", t.getMessage())));

    consumers = new ServiceConsumers(vertx);
    return consumers
        .on(Addresses.AUTH_PING, Database.ping(pool, "auth"))
        .on(Addresses.AUTH_REGISTER, accounts::register)
        .on(Addresses.AUTH_LOGIN, accounts::login)
        .on(Addresses.AUTH_SECOND_STEP, twoFactor::secondStep)
        .on(Addresses.AUTH_TWO_FACTOR_STATUS, twoFactor::status)
        .on(Addresses.AUTH_TOTP_BEGIN, twoFactor::totpBegin)
        .on(Addresses.AUTH_TOTP_CONFIRM, twoFactor::totpConfirm)
        .on(Addresses.AUTH_TOTP_REMOVE, twoFactor::totpRemove)
        .on(Addresses.AUTH_RECOVERY_CODES, twoFactor::newRecoveryCodes)
        .on(Addresses.AUTH_BROWSER_VALIDATE, accounts::validate)
        .on(Addresses.AUTH_BROWSER_LOGOUT, accounts::logout)
        .on(Addresses.AUTH_ACCOUNT_ME, accounts::me)
        .on(Addresses.AUTH_PASSWORD_CHANGE, accounts::changePassword)
        .on(Addresses.AUTH_SIGN_OUT_EVERYWHERE, (body, ctx) -> {
          long account = ctx.requireAccount();
          return accounts.newStamp(account).compose(v -> sessions.revokeAccount(account, "signed_out_everywhere"))
              .map(n -> Reply.data(new JsonObject().put("sessions_revoked", n)).put("message", "Signed out everywhere"));
        })
        .on(Addresses.AUTH_SYNC_INIT, flow::init)
        .on(Addresses.AUTH_SYNC_CLAIM, flow::claim)
        .on(Addresses.AUTH_SYNC_TOKEN, flow::token)
        .on(Addresses.AUTH_SYNC_DESCRIBE, flow::describe)
        .on(Addresses.AUTH_SYNC_DENY, flow::deny)
        .on(Addresses.AUTH_SESSION_VALIDATE, sessions::validate)
        .on(Addresses.AUTH_SESSION_ROTATE, sessions::rotate)
        .on(Addresses.AUTH_SESSION_REVOKE, sessions::revoke)
        .on(Addresses.AUTH_KEY_GRANT, keys::grant)
        .on(Addresses.AUTH_SESSION_REVOKE_DEVICES, sessions::revokeDevices)
        .on(Addresses.AUTH_SIGNUPS_GET, signups::get)
        .on(Addresses.AUTH_ADMIN_SIGNUPS_PUT, signups::put)
        .on(Addresses.AUTH_ADMIN_INVITES_LIST, signups::listInvites)
        .on(Addresses.AUTH_ADMIN_INVITES_CREATE, signups::createInvite)
        .on(Addresses.AUTH_ADMIN_INVITES_REVOKE, signups::revokeInvite)
        .on(Addresses.AUTH_ADMIN_ACCOUNTS, admin::list)
        .on(Addresses.AUTH_ADMIN_ACCOUNT_STATE, admin::setState)
        .on(Addresses.AUTH_ADMIN_SIGN_OUT, admin::signOut)
        .on(Addresses.AUTH_ADMIN_PASSWORD_RESET, admin::resetPassword)
        .on(Addresses.AUTH_PASSWORD_RESET_COMPLETE, new PasswordReset(vertx, pool, sessions)::complete)
        .on(Addresses.AUTH_ADMIN_FIGURES, admin::figures)
        .on(Addresses.AUTH_ADMIN_EXISTS, admin::exists)
        .on(Addresses.AUTH_ADMIN_ROLE, admin::setRole)
        .on(Addresses.AUTH_ADMIN_LOG, admin::log)
        .on(Addresses.AUTH_ADMIN_QUOTA_LOGGED, admin::quotaSet)
        .on(Addresses.AUTH_ACCOUNT_DELETE_BEGIN, deletion::begin)
        .on(Addresses.AUTH_ACCOUNT_DELETE_FINISH, deletion::finish)
        .on(Addresses.AUTH_PASSKEY_REGISTER_OPTIONS, passkeys::registerOptions)
        .on(Addresses.AUTH_PASSKEY_REGISTER, passkeys::register)
        .on(Addresses.AUTH_PASSKEY_LIST, passkeys::list)
        .on(Addresses.AUTH_PASSKEY_REMOVE, passkeys::remove)
        .on(Addresses.AUTH_SECOND_STEP_PASSKEY_OPTIONS, passkeyStep::options)
        .on(Addresses.AUTH_SECOND_STEP_PASSKEY, passkeyStep::finish)
        .ready();
  }

  /** The browser-login signing key: configured, or kept in the secrets directory (created once). */
  static String jwtSecret(Settings settings) {
    String configured = settings.string(Setting.JWT_SECRET);
    if (configured != null) {
      if (configured.length() < 32) {
        throw new IllegalStateException(Settings.JWT_SECRET + " must be at least 32 characters");
      }
      return configured;
    }
    String dir = settings.string(Setting.SECRETS_DIR);
    if (dir == null) {
      throw new IllegalStateException("Set " + Settings.JWT_SECRET + " (32+ characters) or " + Settings.SECRETS_DIR);
    }
    return SecretFiles.readOrCreate(Path.of(dir, "jwt-secret"), "JWT signing key", () -> Tokens.randomHex(32));
  }

  @Override
  public Future<?> stop() {
    if (cleanupTimer >= 0) {
      vertx.cancelTimer(cleanupTimer);
    }
    // take no more requests and answer those in flight before the pool closes
    Future<Void> drained = consumers == null ? Future.succeededFuture() : consumers.close(DRAIN_MS);
    Future<Void> relayed = drained.eventually(() -> relay == null ? Future.succeededFuture() : relay.stop());
    return pool == null ? relayed : relayed.eventually(() -> pool.close());
  }
}
