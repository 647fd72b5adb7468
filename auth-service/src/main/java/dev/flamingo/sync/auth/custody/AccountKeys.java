package dev.flamingo.sync.auth.custody;

import dev.flamingo.sync.auth.account.HashingGate;
import dev.flamingo.sync.auth.account.PasswordHasher;
import dev.flamingo.sync.auth.custody.AccountKeyStore.PasswordWrap;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.security.KeyCustody;
import dev.flamingo.sync.common.security.KeyCustody.AccountKey;
import dev.flamingo.sync.common.security.KeyCustody.SealBroken;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key custody in auth-service (docs/threat-model.md, "Key custody"): the account key (AK) is kept wrapped under the
 * password (Argon2id) and, per session, under a key derived from the raw session token (a grant). Neither
 * the password, the raw tokens nor the keys derived from them are stored, so the database and every server
 * secret together open no AK. A grant is made at /token from the pending grant a claim left on the temp
 * token (sealed under a key derived from the raw temp token), carried over on rotation, and dropped with
 * the session.
 */
public final class AccountKeys {
  private static final Logger LOG = LoggerFactory.getLogger(AccountKeys.class);
  static final String PASSWORD = "password";
  public static final String WRONG_PASSWORD = "The password is wrong";

  private final Vertx vertx;
  private final Pool pool;
  private final AccountKeyStore store;
  private final PasswordHasher hasher;
  private final HashingGate gate;

  public AccountKeys(Vertx vertx, Pool pool, AccountKeyStore store, PasswordHasher hasher) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
    this.hasher = hasher;
    this.gate = HashingGate.of(vertx);
  }

  /** A key derived from a password for a new wrap: its salt, the Argon2id parameters and the key. */
  public record Derived(byte[] salt, String params, byte[] key) {}

  /** Derives a fresh password key (new salt); blocking work on a worker, through the {@link HashingGate}. */
  public Future<Derived> derive(String password) {
    return gate.run(() -> {
      byte[] salt = Tokens.randomBytes(16);
      return new Derived(salt, hasher.params(), hasher.deriveKey(password, salt, hasher.params()));
    });
  }

  /**
   * Creates the account's first AK wrapped under {@code derived} (inside the caller's transaction, as the
   * account itself at registration); the AK, or null when the account had one already.
   */
  public Future<AccountKey> create(SqlClient tx, long account, Derived derived) {
    AccountKey ak = KeyCustody.newAccountKey();
    return store.insert(tx, wrapWith(account, ak, derived))
        .map(inserted -> {
          if (!inserted) {
            ak.wipe();
            return null;
          }
          return ak;
        });
  }

  /**
   * The account's AK opened with its password. An account from before key custody (no AK yet) gets one now,
   * when the password matches its hash, and data-service converts the stored master key to it. Fails 400
   * {@link #WRONG_PASSWORD} when the password does not open it.
   */
  public Future<AccountKey> unlock(long account, String password, RequestContext ctx) {
    return store.find(pool, account).compose(w -> {
      if (w != null) {
        return open(w, password);
      }
      return passwordHash(account).compose(hash -> gate.run(() -> hasher.verify(password, hash)))
          .compose(ok -> ok ? derive(password) : Future.failedFuture(ServiceException.badRequest(WRONG_PASSWORD)))
          .compose(d -> create(pool, account, d))
          .compose(ak -> ak == null ? unlock(account, password, ctx) : convert(account, ak, ctx).map(ak));
    });
  }

  /**
   * After a password was verified at sign-in: an account from before key custody gets its AK now (and its
   * master key is converted); nothing happens (no key derivation) when it has one.
   */
  public Future<Void> ensure(long account, String password, RequestContext ctx) {
    return store.exists(pool, account).compose(exists -> exists ? Future.succeededFuture()
        : derive(password).compose(d -> create(pool, account, d))
            .compose(ak -> ak == null ? Future.succeededFuture() : convertAndWipe(account, ak, ctx)));
  }

  /**
   * The wrap of the account's AK under a new password, the current one opening it first (for a password
   * change). The same AK and id, so every session's grant keeps working. An account from before key
   * custody gets a new AK instead ({@code created}).
   */
  public record NewWrap(PasswordWrap wrap, AccountKey created) {}

  public Future<NewWrap> rewrapped(long account, String current, String next) {
    return store.find(pool, account).compose(w -> {
      if (w == null) {
        AccountKey ak = KeyCustody.newAccountKey();
        return derive(next).map(d -> new NewWrap(wrapWith(account, ak, d), ak));
      }
      return open(w, current).compose(ak -> derive(next).map(d -> {
        PasswordWrap wrap = wrapWith(account, ak, d);
        ak.wipe();
        return new NewWrap(wrap, null);
      }));
    });
  }

  /** Stores a {@link NewWrap} inside the password change's transaction. */
  public Future<Void> store(SqlClient tx, NewWrap w) {
    Future<Boolean> stored = w.created() == null ? store.rewrap(tx, w.wrap()) : store.insert(tx, w.wrap());
    return stored.compose(ok -> ok ? Future.<Void>succeededFuture()
        : Future.failedFuture(new ServiceException(409, "The account changed meanwhile, try again")));
  }

  /** After a {@link NewWrap} that created an AK committed: data-service converts the master key. */
  public Future<Void> afterStore(long account, NewWrap w, RequestContext ctx) {
    if (w.created() == null) {
      return Future.succeededFuture();
    }
    return convertAndWipe(account, w.created(), ctx);
  }

  /** A new AK in place of any old one, wrapped under {@code password} (operator reset: the old key is gone). */
  public Future<UUID> replace(SqlClient tx, long account, Derived d) {
    AccountKey ak = KeyCustody.newAccountKey();
    PasswordWrap w = wrapWith(account, ak, d);
    ak.wipe();
    return store.replace(tx, w).map(ak.id());
  }

  /** The pending grant of a claim: AK sealed under a key derived from the raw temp token. */
  public static byte[] pendingGrant(String rawTempToken, long account, AccountKey ak) {
    byte[] key = KeyCustody.grantKey(rawTempToken);
    try {
      return KeyCustody.sealGrant(key, account, ak);
    } finally {
      KeyCustody.wipe(key);
    }
  }

  /** Opens a grant with the raw token it was made for; null when there is none or it does not open. */
  public static AccountKey openGrant(String rawToken, long account, byte[] grant) {
    if (grant == null) {
      return null;
    }
    byte[] key = KeyCustody.grantKey(rawToken);
    try {
      return openGrant(key, account, grant);
    } finally {
      KeyCustody.wipe(key);
    }
  }

  /** Opens a grant with a grant key (from {@link KeyCustody#grantKey}); null when it does not open. */
  public static AccountKey openGrant(byte[] grantKey, long account, byte[] grant) {
    if (grant == null || grantKey == null) {
      return null;
    }
    try {
      return KeyCustody.openGrant(grantKey, account, grant);
    } catch (SealBroken e) {
      return null;
    }
  }

  /** The AK of a live session opened with its grant key (a Bearer claim); null when it has no grant. */
  public Future<AccountKey> ofSession(UUID session, long account, byte[] grantKey) {
    return store.sessionGrant(pool, session).map(g -> g == null || !g.live() || g.accountId() != account ? null
        : openGrant(grantKey, account, g.grant()));
  }

  /**
   * AUTH_KEY_GRANT {grant_key} + session → {custody, account_key, account_key_id}: the calling session's
   * AK, opened with the key the gateway derived from its bearer token. {@code custody} says whether the
   * account has an AK at all; {@code account_key} is null when this session has no grant (paired before
   * the account's key custody began, or by a device that had none). 401 when the session is not live.
   */
  public Future<JsonObject> grant(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    UUID session;
    try {
      session = UUID.fromString(ctx.requireSession());
    } catch (IllegalArgumentException e) {
      throw ServiceException.unauthorized();
    }
    byte[] grantKey = KeyCustody.keyFromBase64(body.getValue("grant_key"));
    if (grantKey == null) {
      throw ServiceException.badRequest("grant_key is required");
    }
    return store.sessionGrant(pool, session).compose(g -> {
      if (g == null || !g.live() || g.accountId() != account) {
        return Future.failedFuture(ServiceException.unauthorized());
      }
      AccountKey ak = openGrant(grantKey, account, g.grant());
      KeyCustody.wipe(grantKey);
      if (ak != null) {
        JsonObject data = new JsonObject().put("custody", true).put("account_key", ak.keyBase64())
            .put("account_key_id", ak.id().toString());
        ak.wipe();
        return Future.succeededFuture(Reply.data(data));
      }
      return store.exists(pool, account).map(custody -> Reply.data(new JsonObject().put("custody", custody)
          .putNull("account_key").putNull("account_key_id")));
    });
  }

  private Future<AccountKey> open(PasswordWrap w, String password) {
    return gate.run(() -> {
      byte[] key = hasher.deriveKey(password, w.salt(), w.params());
      try {
        return KeyCustody.openAccountKey(key, PASSWORD, w.accountId(), w.wrap());
      } catch (SealBroken e) {
        throw ServiceException.badRequest(WRONG_PASSWORD);
      } finally {
        KeyCustody.wipe(key);
      }
    });
  }

  private static PasswordWrap wrapWith(long account, AccountKey ak, Derived d) {
    byte[] wrap = KeyCustody.sealAccountKey(d.key(), PASSWORD, account, ak);
    KeyCustody.wipe(d.key());
    return new PasswordWrap(account, ak.id(), d.salt(), d.params(), wrap);
  }

  private Future<String> passwordHash(long account) {
    return pool.preparedQuery("select password_hash from accounts where id = $1").execute(Tuple.of(account))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ServiceException.unauthorized())
            : Future.succeededFuture(rows.iterator().next().getString("password_hash")));
  }

  /**
   * Asks data-service to convert the account's master key from the KEK alone to this AK (best effort: a key
   * still on the KEK is converted at the next key request of a session with a grant): never fails.
   */
  private Future<Void> convert(long account, AccountKey ak, RequestContext ctx) {
    LOG.info("account {}: key custody begins (account key {})", account, ak.id());
    JsonObject body = new JsonObject().put("account_key", ak.keyBase64()).put("account_key_id", ak.id().toString());
    return vertx.eventBus().request(Addresses.DATA_KEY_CONVERT, body,
            ctx.withAccount(account, null, null).toDeliveryOptions(5000))
        .<Void>mapEmpty()
        .otherwise(t -> {
          LOG.warn("account {}: the master key was not converted yet ({}); it is at its next key request", account,
              t.getMessage());
          return null;
        });
  }

  /** {@link #convert}, then the AK is wiped: for a caller that does not need it. */
  private Future<Void> convertAndWipe(long account, AccountKey ak, RequestContext ctx) {
    return convert(account, ak, ctx).onComplete(ar -> ak.wipe());
  }
}
