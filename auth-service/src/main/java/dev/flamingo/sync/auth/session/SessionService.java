package dev.flamingo.sync.auth.session;

import dev.flamingo.sync.auth.account.AccountService;
import dev.flamingo.sync.auth.custody.AccountKeys;
import dev.flamingo.sync.auth.deviceflow.TempTokenStore;
import dev.flamingo.sync.auth.session.SessionStore.Session;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.ops.Observability;
import dev.flamingo.sync.common.outbox.Outbox;
import dev.flamingo.sync.common.security.KeyCustody;
import dev.flamingo.sync.common.security.KeyCustody.AccountKey;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Session tokens: issue, validate, rotate, revoke. Every revocation is published on
 * {@code flamingo.events.session.revoked} so that every gateway drops its cached copy at once (best effort:
 * the cache TTL bounds a lost one). What device-service must know (a session created, a device signed out,
 * the audit events) goes into the outbox in the same transaction as the change.
 */
public final class SessionService {
  private final Vertx vertx;
  private final Pool pool;
  private final SessionStore store;
  private final Outbox outbox;
  private final int ttlDays;

  public SessionService(Vertx vertx, Pool pool, SessionStore store, Outbox outbox, int ttlDays) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
    this.outbox = outbox;
    this.ttlDays = ttlDays;
    Observability.register("sessions_issued");
    for (String reason : REVOKE_REASONS) {
      Observability.register("sessions_revoked", "reason", reason);
    }
  }

  /** The reasons a session is revoked for (the {@code reason} of {@code flamingo_sessions_revoked_total}). */
  static final java.util.List<String> REVOKE_REASONS = java.util.List.of("rotated", "revoked", "device_revoked",
      "signed_out_everywhere", "signed_out_by_admin", "account_disabled", "account_deleted", "password_reset");

  /**
   * A new token and its session row for a new device, inside the caller's transaction: the account is locked
   * first (see {@link SessionStore#lockAccount}; a disabled account gets none: 403) and the session-created event
   * goes into the outbox. With
   * {@code ak} (the account key, from the claim's pending grant) the session gets its key grant, sealed under
   * a key derived from the new raw token; without, the session cannot open the account's key.
   */
  public Future<Issued> issue(SqlClient tx, long account, UUID device, String name, String type, RequestContext ctx,
      AccountKey ak) {
    String token = Tokens.newSessionToken();
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusDays(ttlDays);
    byte[] grant = grantFor(token, account, ak);
    return store.lockAccount(tx, account, true).compose(live -> live
            ? store.insert(tx, UUID.randomUUID(), Tokens.sha256(token), Tokens.prefix(token), account, device, name, type,
                expires, grant)
            : Future.failedFuture(new ServiceException(403, AccountService.DISABLED)))
        .compose(session -> created(tx, token, session, ctx));
  }

  /** The key grant of a raw session token: AK sealed under a key derived from it; null without AK. */
  private static byte[] grantFor(String token, long account, AccountKey ak) {
    if (ak == null) {
      return null;
    }
    byte[] key = KeyCustody.grantKey(token);
    try {
      return KeyCustody.sealGrant(key, account, ak);
    } finally {
      KeyCustody.wipe(key);
      ak.wipe();
    }
  }

  /** The issued session with its session-created event, which is added to the outbox. */
  private Future<Issued> created(SqlClient tx, String token, Session s, RequestContext ctx) {
    JsonObject event = new JsonObject()
        .put("event_id", UUID.randomUUID().toString())
        .put("account_id", s.accountId())
        .put("session_id", s.id().toString())
        .put("device_id", s.deviceId().toString())
        .put("device_name", s.deviceName())
        .put("device_type", s.deviceType())
        .put("ip", ctx.clientIp())
        .put("user_agent", ctx.userAgent())
        .put("created_at", s.createdAt().toInstant().toString())
        .put("expires_at", s.expiresAt().toInstant().toString());
    return outbox.add(tx, Addresses.EVENT_SESSION_CREATED, event.copy()).map(v -> new Issued(token, s, event));
  }

  /** A freshly issued token with its row. */
  public record Issued(String token, Session session, JsonObject createdEvent) {
    public JsonObject json() {
      return new JsonObject()
          .put("session_token", token)
          .put("token_prefix", session.tokenPrefix())
          .put("expires_at", session.expiresAt().toInstant().toString());
    }
  }

  /**
   * Publishes the session-created event after the commit, so that device-service lists the device at once;
   * the outbox delivers the same event (same event_id) reliably.
   */
  public void announce(Issued issued) {
    vertx.eventBus().publish(Addresses.EVENT_SESSION_CREATED, issued.createdEvent());
    Observability.count("sessions_issued");
  }

  /** AUTH_SESSION_VALIDATE {session_token} → {account_id, session_id, device_id, expires_at}; else 401. */
  public Future<JsonObject> validate(JsonObject body, RequestContext ctx) {
    Object raw = body.getValue("session_token");
    if (!(raw instanceof String token) || !Tokens.isSessionToken(token)) {
      throw ServiceException.unauthorized();
    }
    byte[] hash = Tokens.sha256(token);
    return store.byHash(hash).map(s -> {
      if (s == null || !Tokens.constantTimeEquals(hash, s.tokenHash()) || s.revokedAt() != null
          || !s.expiresAt().isAfter(OffsetDateTime.now())) {
        throw ServiceException.unauthorized();
      }
      return Reply.data(new JsonObject()
          .put("account_id", s.accountId())
          .put("session_id", s.id().toString())
          .put("device_id", s.deviceId().toString())
          .put("expires_at", s.expiresAt().toInstant().toString()));
    });
  }

  /**
   * AUTH_SESSION_ROTATE {grant_key?} → a new token for the same device; the calling token stops working at
   * once. With the calling token's grant key (the gateway derives it from the bearer) the new token gets the
   * same key grant; without, it has none.
   */
  public Future<JsonObject> rotate(JsonObject body, RequestContext ctx) {
    UUID old = sessionOf(ctx);
    byte[] grantKey = KeyCustody.keyFromBase64(body.getValue("grant_key"));
    UUID replacement = UUID.randomUUID();
    // lock the account first (as every revocation does), then retire the old session only if still live
    return pool.withTransaction(tx -> lockAccountOf(tx, old)
        .compose(v -> store.retire(tx, old, replacement))
        .compose(retired -> {
      if (retired == null) {
        return Future.failedFuture(ServiceException.unauthorized());
      }
      String token = Tokens.newSessionToken();
      OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusDays(ttlDays);
      AccountKey ak = AccountKeys.openGrant(grantKey, retired.accountId(), retired.keyGrant());
      return store.insert(tx, replacement, Tokens.sha256(token), Tokens.prefix(token), retired.accountId(),
              retired.deviceId(), retired.deviceName(), retired.deviceType(), expires,
              grantFor(token, retired.accountId(), ak))
          .compose(s -> created(tx, token, s, ctx))
          .compose(issued -> outbox.audit(tx, "session.rotated", ctx, issued.session().accountId(),
              issued.session().deviceId().toString(),
              new JsonObject().put("token_prefix", issued.session().tokenPrefix())).map(v -> issued));
    })).map(issued -> {
      publish(revokedEvent(List.of(old), List.of(), issued.session().accountId(), "rotated"));
      announce(issued);
      return Reply.data(issued.json());
    });
  }

  /** AUTH_SESSION_REVOKE → revokes the calling session only. */
  public Future<JsonObject> revoke(JsonObject body, RequestContext ctx) {
    UUID id = sessionOf(ctx);
    JsonObject event = revokedEvent(List.of(id),
        ctx.deviceId() == null ? List.of() : List.of(UUID.fromString(ctx.deviceId())), ctx.accountId(), "revoked");
    return pool.withTransaction(tx -> lockAccountOf(tx, id).compose(v -> store.revoke(tx, id, "revoked"))
        .compose(done -> {
          if (!done) {
            return Future.failedFuture(ServiceException.unauthorized());
          }
          return toDevices(tx, event)
              .compose(v -> outbox.audit(tx, "session.revoked", ctx, ctx.accountId(), ctx.deviceId(), new JsonObject()));
        })).map(v -> {
          publish(event);
          return Reply.message("Session revoked");
        });
  }

  /** AUTH_SESSION_REVOKE_DEVICES {account_id, device_ids, reason} → {revoked: n} (0 is fine). */
  public Future<JsonObject> revokeDevices(JsonObject body, RequestContext ctx) {
    Object accountValue = body.getValue("account_id");
    Object devicesValue = body.getValue("device_ids");
    if (!(accountValue instanceof Number account) || !(devicesValue instanceof JsonArray devices)) {
      throw new ServiceException(400, "account_id and device_ids are required");
    }
    List<UUID> ids = new ArrayList<>();
    for (Object d : devices) {
      try {
        ids.add(UUID.fromString(String.valueOf(d)));
      } catch (IllegalArgumentException e) {
        throw new ServiceException(400, "device_ids must be UUIDs");
      }
    }
    String reason = body.getValue("reason") instanceof String r ? r : "device_revoked";
    long accountId = account.longValue();
    return pool.withTransaction(tx -> store.lockAccount(tx, accountId)
        .compose(v -> store.revokeDevices(tx, accountId, ids.toArray(new UUID[0]), reason))
        .compose(revoked -> {
          JsonObject event = revokedEvent(revoked, ids, accountId, reason);
          return toDevices(tx, event).map(v -> event);
        })).map(event -> {
          publish(event);
          return Reply.data(new JsonObject().put("revoked", event.getJsonArray("session_ids").size()));
        });
  }

  /** Revokes every session of the account (sign out everywhere). */
  public Future<Integer> revokeAccount(long account, String reason) {
    return pool.withTransaction(tx -> store.lockAccount(tx, account).compose(v -> revokeAccount(tx, account, reason)))
        .map(this::announce);
  }

  /**
   * Revokes every live session of the account inside {@code tx}, whose caller holds the account's row lock, ends
   * its claimed device requests not yet exchanged ({@link TempTokenStore#denyClaimedBy}), and queues the devices' sign-outs for device-service in the same transaction. Returns the revocation event: hand it
   * to {@link #announce} once the transaction has committed.
   */
  public Future<JsonObject> revokeAccount(SqlClient tx, long account, String reason) {
    return TempTokenStore.denyClaimedBy(tx, account).compose(ended -> store.revokeAccount(tx, account, reason)).compose(revoked -> {
      JsonObject event = revokedEvent(revoked.stream().map(p -> p[0]).toList(),
          revoked.stream().map(p -> p[1]).distinct().toList(), account, reason);
      return toDevices(tx, event).map(v -> event);
    });
  }

  /** Every gateway evicts the revoked sessions (and the revocations are counted); how many there were. */
  public int announce(JsonObject event) {
    publish(event);
    return event.getJsonArray("session_ids").size();
  }

  public Future<Integer> cleanup() {
    return store.deleteOld(7);
  }

  /**
   * EVENT_SESSION_REVOKED {session_ids, device_ids, account_id, reason}: gateways evict the sessions;
   * device-service marks the devices signed out (not on rotation: same device).
   */
  private static JsonObject revokedEvent(List<UUID> sessions, List<UUID> devices, Long account, String reason) {
    JsonArray ids = new JsonArray();
    sessions.forEach(id -> ids.add(id.toString()));
    JsonArray deviceIds = new JsonArray();
    devices.forEach(id -> deviceIds.add(id.toString()));
    return new JsonObject().put("session_ids", ids).put("device_ids", deviceIds).put("account_id", account)
        .put("reason", reason);
  }

  /**
   * The device-state part of a revocation, through the outbox: only when sessions were revoked and the
   * device's state changes (not a rotation; not a device revoke, which device-service itself marked).
   */
  private Future<Void> toDevices(SqlClient tx, JsonObject event) {
    String reason = event.getString("reason");
    if (event.getJsonArray("session_ids").isEmpty() || event.getJsonArray("device_ids").isEmpty()
        || "rotated".equals(reason) || "device_revoked".equals(reason)) {
      return Future.succeededFuture();
    }
    return outbox.add(tx, Addresses.EVENT_SESSION_REVOKED, event.copy());
  }

  /** Fire and forget, after the commit: every gateway evicts the sessions at once (the cache TTL bounds a loss). */
  private void publish(JsonObject event) {
    int n = event.getJsonArray("session_ids").size();
    if (n == 0) {
      return;
    }
    vertx.eventBus().publish(Addresses.EVENT_SESSION_REVOKED, event);
    Observability.count("sessions_revoked", n, "reason", event.getString("reason"));
  }

  /** Locks the account of a session (see {@link SessionStore#lockAccount}); 401 when the session is unknown. */
  private Future<Void> lockAccountOf(SqlClient tx, UUID session) {
    return store.accountOf(tx, session).compose(account -> account == null
        ? Future.failedFuture(ServiceException.unauthorized())
        : store.lockAccount(tx, account).mapEmpty());
  }

  private static UUID sessionOf(RequestContext ctx) {
    try {
      return UUID.fromString(ctx.requireSession());
    } catch (IllegalArgumentException e) {
      throw ServiceException.unauthorized();
    }
  }
}
