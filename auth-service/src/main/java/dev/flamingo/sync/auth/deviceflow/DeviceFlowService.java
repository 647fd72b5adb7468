package dev.flamingo.sync.auth.deviceflow;

import dev.flamingo.sync.auth.support.RequestFields;
import dev.flamingo.sync.common.text.DisplayText;

import dev.flamingo.sync.auth.account.AccountService;
import dev.flamingo.sync.auth.custody.AccountKeyStore;
import dev.flamingo.sync.auth.custody.AccountKeys;
import dev.flamingo.sync.auth.deviceflow.TempTokenStore.TempToken;
import dev.flamingo.sync.auth.session.SessionService;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.common.outbox.Outbox;
import dev.flamingo.sync.common.security.KeyCustody;
import dev.flamingo.sync.common.security.KeyCustody.AccountKey;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The device flow of the contract: init (a temp token), claim (a signed-in account authorizes it),
 * token (exchanged once for a session). Plus describe and deny for the authorize page.
 */
public final class DeviceFlowService {
  static final String INVALID = "Invalid token";
  static final String EXPIRED = "Token has expired. Restart sync.";
  static final String NOT_YET = "Token not yet authorized. Complete login first.";
  static final String CLAIMED_BY_OTHER = "Token was claimed by another account";
  public static final String PASSWORD_NEEDED = "Confirm your password to give this device your encryption key";

  private final Vertx vertx;
  private final Pool pool;
  private final TempTokenStore temps;
  private final SessionService sessions;
  private final Outbox outbox;
  private final int ttlSeconds;
  private final AccountKeys keys;
  private final AccountKeyStore keyStore;

  public DeviceFlowService(Vertx vertx, Pool pool, TempTokenStore temps, SessionService sessions, Outbox outbox,
      int ttlSeconds, AccountKeys keys, AccountKeyStore keyStore) {
    this.keys = keys;
    this.keyStore = keyStore;
    this.vertx = vertx;
    this.pool = pool;
    this.temps = temps;
    this.sessions = sessions;
    this.outbox = outbox;
    this.ttlSeconds = ttlSeconds;
  }

  /** AUTH_SYNC_INIT {device_name, device_type} → {temp_token, expires_in}. */
  public Future<JsonObject> init(JsonObject body, RequestContext ctx) {
    String message = "device_name and device_type are required";
    String name = DisplayText.check("device_name", RequestFields.required(body, "device_name", 100, message));
    String type = DisplayText.check("device_type", RequestFields.required(body, "device_type", 100, message));
    String token = Tokens.newTempToken();
    return pool.withTransaction(tx -> temps.insert(tx, Tokens.sha256(token), Tokens.prefix(token), name, type,
            ctx.clientIp(), ctx.userAgent(), ttlSeconds)
        .compose(v -> outbox.audit(tx, "sync.init", ctx, null, null,
            new JsonObject().put("device_name", name).put("device_type", type))))
        .map(v -> Reply.data(new JsonObject().put("temp_token", token).put("expires_in", ttlSeconds)));
  }

  /**
   * AUTH_SYNC_CLAIM {temp_token, password} + the signed-in account; a Bearer claim (a paired device's session
   * in context) may send {bearer_grant_key} instead of the password. The password (or the claiming session's
   * grant) opens the account key, which the temp token holds as its pending grant until /token. A wrong
   * password is 400 and the token stays pending.
   */
  public Future<JsonObject> claim(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    String raw = tempToken(body);
    byte[] hash = Tokens.sha256(raw);
    String password = RequestFields.string(body, "password");
    boolean withPassword = password != null && !password.isEmpty();
    if (!withPassword && ctx.sessionId() == null) {
      throw ServiceException.badRequest(PASSWORD_NEEDED);
    }
    if (withPassword && password.length() > AccountService.MAX_PASSWORD) {
      throw ServiceException.badRequest(AccountKeys.WRONG_PASSWORD);
    }
    // the cheap refusals first, before any key derivation
    return temps.find(hash).compose(t -> {
      ServiceException refused = notClaimable(t, account);
      if (refused != null) {
        return Future.failedFuture(refused);
      }
      Future<AccountKey> key = withPassword ? keys.unlock(account, password, ctx)
          : keys.ofSession(UUID.fromString(ctx.sessionId()), account, KeyCustody.keyFromBase64(body.getValue("bearer_grant_key")));
      return key.compose(ak -> {
        byte[] grant = ak == null ? null : AccountKeys.pendingGrant(raw, account, ak);
        if (ak != null) {
          ak.wipe();
        }
        return pool.withTransaction(tx -> temps.lockLiveAccount(tx, account).compose(live -> live
                ? temps.claim(tx, hash, account, grant)
                : Future.failedFuture(new ServiceException(403, AccountService.DISABLED))).compose(claimed -> claimed
            ? outbox.audit(tx, "sync.claim", ctx, account, null, new JsonObject()).map(true)
            // claimed before by this account (a second click): the grant too, unless it has one
            : keyStore.setPendingGrant(tx, hash, account, grant).map(false)));
      });
    }).compose(claimed -> {
      if (claimed) {
        return Future.succeededFuture(Reply.message("Token claimed successfully"));
      }
      return temps.find(hash).map(t -> {
        ServiceException refused = notClaimable(t, account);
        if (refused != null) {
          throw refused;
        }
        if (t.claimedBy() == null) {
          throw new ServiceException(409, CLAIMED_BY_OTHER);
        }
        return Reply.message("Token already claimed");
      });
    });
  }

  /**
   * Why {@code account} cannot claim this temp token now (unknown, used, denied, expired, or another
   * account's), or null when it can (pending, or already claimed by this account).
   */
  private static ServiceException notClaimable(TempToken t, long account) {
    ServiceException unusable = unusable(t);
    if (unusable != null) {
      return unusable;
    }
    if (t.claimedBy() != null && t.claimedBy() != account) {
      return new ServiceException(409, CLAIMED_BY_OTHER);
    }
    return null;
  }

  /** 400 for a temp token that is unknown, used or denied ("Invalid token") or expired; null otherwise. */
  private static ServiceException unusable(TempToken t) {
    if (t == null || t.consumedAt() != null || t.deniedAt() != null) {
      return ServiceException.badRequest(INVALID);
    }
    if (t.expired()) {
      return ServiceException.badRequest(EXPIRED);
    }
    return null;
  }

  /** AUTH_SYNC_TOKEN {temp_token} → a session, exactly once per temp token, with the claim's key grant. */
  public Future<JsonObject> token(JsonObject body, RequestContext ctx) {
    String raw = tempToken(body);
    byte[] hash = Tokens.sha256(raw);
    // the claimant's row first, as every revocation locks it before it ends the account's requests
    return pool.withTransaction(tx -> temps.lockClaimant(tx, hash).compose(v -> temps.consume(tx, hash)).compose(t -> t == null
            ? Future.succeededFuture((SessionService.Issued) null)
            : sessions.issue(tx, t.claimedBy(), UUID.randomUUID(), t.deviceName(), t.deviceType(), ctx,
                    AccountKeys.openGrant(raw, t.claimedBy(), t.keyGrant()))
                .compose(issued -> outbox.audit(tx, "sync.token", ctx, issued.session().accountId(),
                    issued.session().deviceId().toString(), new JsonObject()
                        .put("device_name", issued.session().deviceName())
                        .put("token_prefix", issued.session().tokenPrefix())).map(issued))))
        .compose(issued -> issued == null ? whyNot(hash) : withConfig(issued, ctx));
  }

  /** AUTH_SYNC_DESCRIBE {temp_token} → what it asks for, for the authorize page. */
  public Future<JsonObject> describe(JsonObject body, RequestContext ctx) {
    byte[] hash = hashOf(body);
    return temps.find(hash).map(t -> {
      if (t == null) {
        throw ServiceException.notFound("Unknown sign-in request");
      }
      long left = Math.max(0, Duration.between(OffsetDateTime.now(), t.expiresAt()).toSeconds());
      String status = t.deniedAt() != null ? "denied" : t.consumedAt() != null ? "used" : t.expired() ? "expired"
          : t.claimedBy() != null ? "claimed" : "pending";
      return Reply.data(new JsonObject()
          .put("device_name", t.deviceName())
          .put("device_type", t.deviceType())
          .put("client_ip", t.clientIp())
          .put("created_at", t.createdAt().toInstant().toString())
          .put("expires_at", t.expiresAt().toInstant().toString())
          .put("expires_in", left)
          .put("status", status));
    });
  }

  /** AUTH_SYNC_DENY {temp_token} + account → the client's next poll gets "Invalid token". */
  public Future<JsonObject> deny(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    byte[] hash = hashOf(body);
    return pool.withTransaction(tx -> temps.deny(tx, hash, account).compose(denied -> denied
        ? outbox.audit(tx, "sync.denied", ctx, account, null, new JsonObject())
        : Future.failedFuture(ServiceException.badRequest(INVALID))))
        .map(v -> Reply.message("Request denied"));
  }

  public Future<Integer> cleanup() {
    return temps.deleteExpired();
  }

  private Future<JsonObject> whyNot(byte[] hash) {
    return temps.find(hash).map(t -> {
      ServiceException unusable = unusable(t);
      throw unusable != null ? unusable : ServiceException.badRequest(NOT_YET);
    });
  }

  /** Answers the token call with the account's sync config from data-service (defaults if it is away). */
  private Future<JsonObject> withConfig(SessionService.Issued issued, RequestContext ctx) {
    var s = issued.session();
    RequestContext asDevice = ctx.withAccount(s.accountId(), s.id().toString(), s.deviceId().toString());
    sessions.announce(issued);
    return vertx.eventBus().<JsonObject>request(Addresses.DATA_CONFIG_GET, new JsonObject(), asDevice.toDeliveryOptions(2000))
        .map(Message::body)
        .map(reply -> reply.getJsonObject("data"))
        .otherwise(t -> null)
        .map(config -> Reply.data(issued.json()
            .put("is_new_device", true)
            .put("sync_config", config == null ? DataType.defaultConfig() : withoutTimestamp(config))));
  }

  private static JsonObject withoutTimestamp(JsonObject config) {
    JsonObject copy = config.copy();
    copy.remove("updated_at");
    return copy;
  }

  private static byte[] hashOf(JsonObject body) {
    return Tokens.sha256(tempToken(body));
  }

  private static String tempToken(JsonObject body) {
    String token = RequestFields.string(body, "temp_token");
    if (!Tokens.isTempToken(token)) {
      throw ServiceException.badRequest(INVALID);
    }
    return token;
  }
}
