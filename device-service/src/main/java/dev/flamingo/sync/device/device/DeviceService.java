package dev.flamingo.sync.device.device;

import dev.flamingo.sync.common.text.DisplayText;

import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.device.audit.AuditPublisher;
import dev.flamingo.sync.device.support.BusFields;
import dev.flamingo.sync.device.support.Times;
import dev.flamingo.sync.device.syncstatus.SyncStatusStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Devices: created from auth-service's session events; listed, renamed and revoked by their account.
 *
 * <p>Revocation marks the device revoked first (so a concurrent second revoke is a 404 and never asks
 * auth-service twice), then asks auth-service to sign its sessions out. If auth-service does not confirm,
 * the mark is taken back and the caller gets 503: success is only ever claimed once the sessions are gone.
 */
public final class DeviceService {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceService.class);
  public static final String NOT_FOUND = "Device not found";
  static final String REVOKE_FAILED = "Could not sign the device out right now, try again shortly";

  private final DeviceStore store;
  private final SyncStatusStore syncStatus;
  private final AuthSessions auth;
  private final AuditPublisher audit;
  private final int sessionTtlDays;
  /** Session-created upserts still running: requests wait for them, so a just-paired device is listed. */
  private final Set<Future<Void>> creating = new HashSet<>();

  public DeviceService(DeviceStore store, SyncStatusStore syncStatus, AuthSessions auth, AuditPublisher audit,
      int sessionTtlDays) {
    this.store = store;
    this.syncStatus = syncStatus;
    this.auth = auth;
    this.audit = audit;
    this.sessionTtlDays = sessionTtlDays;
  }

  /** {@code EVENT_SESSION_CREATED}: one device per device_id; a replay or a rotation changes nothing visible. */
  public Future<Void> onSessionCreated(JsonObject event) {
    SessionCreated s = SessionCreated.parse(event, sessionTtlDays);
    if (s == null) {
      LOG.warn("Ignored a session-created event without a valid account_id and device_id");
      return Future.succeededFuture();
    }
    Future<Void> f = store.upsert(s);
    creating.add(f);
    return f.onComplete(ar -> {
      creating.remove(f);
      if (ar.failed()) {
        LOG.error("Could not record device {} of account {}", s.deviceId(), s.accountId(), ar.cause());
      }
    });
  }

  /** The session-created event delivered from auth-service's outbox, applied in {@code tx} (fails if not stored). */
  public Future<Void> applyCreated(SqlClient tx, JsonObject event) {
    SessionCreated s = SessionCreated.parse(event, sessionTtlDays);
    if (s == null) {
      LOG.warn("Ignored a delivered session-created event without a valid account_id and device_id");
      return Future.succeededFuture();
    }
    return store.upsert(tx, s);
  }

  /**
   * {@code EVENT_SESSION_REVOKED}: a device whose session was revoked by itself (/api/sync/revoke) or by
   * "sign out everywhere" is signed out. A rotation keeps the device; a device revoke here already marked it.
   */
  public Future<Void> onSessionRevoked(JsonObject event) {
    Long account = signedOutAccount(event);
    if (account == null) {
      return Future.succeededFuture();
    }
    return settled().compose(v -> store.markSignedOut(account, signedOutDevices(event)))
        .onFailure(t -> LOG.error("Could not mark devices of account {} signed out", account, t))
        .mapEmpty();
  }

  /** The session-revoked event delivered from auth-service's outbox, applied in {@code tx}. */
  public Future<Void> applyRevoked(SqlClient tx, JsonObject event) {
    Long account = signedOutAccount(event);
    if (account == null) {
      return Future.succeededFuture();
    }
    return store.markSignedOut(tx, account, signedOutDevices(event)).mapEmpty();
  }

  /** The account whose devices a revocation signs out; null when it signs none out (or is malformed). */
  private static Long signedOutAccount(JsonObject event) {
    String reason = event.getValue("reason") instanceof String r ? r : "";
    if (!(event.getValue("account_id") instanceof Number account) || !(event.getValue("device_ids") instanceof JsonArray ids)
        || ids.isEmpty() || "rotated".equals(reason) || "device_revoked".equals(reason)) {
      return null;
    }
    return account.longValue();
  }

  private static UUID[] signedOutDevices(JsonObject event) {
    List<UUID> devices = new ArrayList<>();
    for (Object id : event.getJsonArray("device_ids")) {
      UUID uuid = BusFields.uuid(String.valueOf(id));
      if (uuid != null) {
        devices.add(uuid);
      }
    }
    return devices.toArray(new UUID[0]);
  }

  private Future<Void> settled() {
    if (creating.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.join(new ArrayList<>(creating)).<Void>mapEmpty().otherwiseEmpty();
  }

  /** DEVICE_LIST → bare array of the caller's live devices, newest first, each with its sync status. */
  public Future<JsonObject> list(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    return settled().compose(v -> Future.all(store.listLive(account), syncStatus.forAccount(account))).map(both -> {
      List<Device> devices = both.resultAt(0);
      Map<UUID, JsonArray> sync = both.resultAt(1);
      OffsetDateTime now = Times.now();
      JsonArray array = new JsonArray();
      devices.forEach(d -> array.add(d.toJson(ctx.deviceId(), now).put("sync", sync.getOrDefault(d.id(), new JsonArray()))));
      return Reply.data(array);
    });
  }

  /** DEVICE_REVOKE {id} → "Device revoked"; unknown, another account's, malformed or revoked: 404. */
  public Future<JsonObject> revoke(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    UUID id = BusFields.uuid(BusFields.requestString(body, "id"));
    if (id == null) {
      return Future.failedFuture(ServiceException.notFound(NOT_FOUND));
    }
    return settled()
        .compose(v -> store.markRevoked(account, id))
        .compose(device -> {
          if (device == null) {
            return Future.failedFuture(ServiceException.notFound(NOT_FOUND));
          }
          return signOut(ctx, account, List.of(id)).map(sessions -> {
            audit.publish(ctx, account, "device.revoked", new JsonObject()
                .put("device_id", id.toString())
                .put("device_name", device.name())
                .put("sessions_revoked", sessions));
            return Reply.message("Device revoked");
          });
        });
  }

  /**
   * DEVICE_REVOKE_OTHERS → every other live device of the account, signed out → {revoked: n}. From the
   * web dashboard (a browser login, no device of its own) that is every device.
   */
  public Future<JsonObject> revokeOthers(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    UUID current = BusFields.uuid(ctx.deviceId());
    return settled()
        .compose(v -> store.markOthersRevoked(account, current))
        .compose(ids -> (ids.isEmpty() ? Future.succeededFuture(0) : signOut(ctx, account, ids)).map(sessions -> {
          JsonArray revoked = new JsonArray();
          ids.forEach(id -> revoked.add(id.toString()));
          audit.publish(ctx, account, "device.revoke_others", new JsonObject()
              .put("revoked", ids.size())
              .put("device_ids", revoked)
              .put("sessions_revoked", sessions));
          return Reply.data(new JsonObject().put("revoked", ids.size())).put("message", "Other devices signed out");
        }));
  }

  /** DEVICE_RENAME {id, name} → the device; name 1..100 characters once trimmed. */
  public Future<JsonObject> rename(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    String raw = BusFields.requestString(body, "name");
    if (raw == null) {
      return Future.failedFuture(ServiceException.badRequest("name is required"));
    }
    String name = raw.trim();
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > SessionCreated.NAME_MAX) {
      return Future.failedFuture(ServiceException.badRequest("name must be 1 to 100 characters"));
    }
    try {
      DisplayText.check("name", name);
    } catch (ServiceException e) {
      return Future.failedFuture(e);
    }
    UUID id = BusFields.uuid(BusFields.requestString(body, "id"));
    if (id == null) {
      return Future.failedFuture(ServiceException.notFound(NOT_FOUND));
    }
    return settled()
        .compose(v -> store.rename(account, id, name))
        .map(renamed -> {
          if (renamed == null) {
            throw ServiceException.notFound(NOT_FOUND);
          }
          if (!name.equals(renamed.oldName())) {
            audit.publish(ctx, account, "device.renamed", new JsonObject()
                .put("device_id", id.toString())
                .put("old_name", renamed.oldName())
                .put("name", name));
          }
          return Reply.data(renamed.device().toJson(ctx.deviceId(), Times.now()));
        });
  }

  /**
   * Asks auth-service to revoke the devices' sessions (it also tells every gateway to evict them). When
   * that fails, the revocation marks are taken back and the caller gets 503.
   */
  private Future<Integer> signOut(RequestContext ctx, long account, List<UUID> ids) {
    return auth.revokeDevices(ctx, account, ids, "device_revoked")
        .recover(failure -> {
          LOG.warn("auth-service did not revoke the sessions of {} device(s) of account {}: {}; revocation undone",
              ids.size(), account, failure.toString());
          return store.unmarkRevoked(account, ids)
              .onFailure(e -> LOG.error("Could not undo the revocation of devices {} of account {}; they stay "
                  + "hidden while their sessions may still be live", ids, account, e))
              .transform(ar -> Future.failedFuture(new ServiceException(503, REVOKE_FAILED)));
        });
  }
}
