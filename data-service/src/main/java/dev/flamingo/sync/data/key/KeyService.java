package dev.flamingo.sync.data.key;

import dev.flamingo.sync.common.security.KeyWrapper;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.data.blob.ChangeCounter;
import dev.flamingo.sync.data.key.KeyStore.StoredKey;
import dev.flamingo.sync.data.support.Events;
import dev.flamingo.sync.data.support.Versions;
import io.vertx.core.Future;
import dev.flamingo.sync.common.security.KeyCustody;
import dev.flamingo.sync.common.security.KeyCustody.AccountKey;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.UUID;

/**
 * The account's key escrow. A key is never overwritten by accident: the shipped client PUTs a fresh
 * key whenever its GET failed, so a PUT that does not name the version it replaces is refused (409)
 * once a key exists. A rotation names the current version, bumps it, and drops the blobs encrypted
 * with the old key in the same transaction. Chosen statuses: a version named while no key exists is 409
 * (send the first key without one); a stale version is 409 with {version: current}.
 *
 * <p>Key custody (docs/threat-model.md, "Key custody"): the master key is stored sealed under the account key (AK) that
 * the gateway passes with each key request, from the calling session's grant ({@link Custody}), and that
 * under the KEK. data-service never stores an AK, so its rows and the KEK open no key. A key from before
 * key custody (under the KEK alone) is answered as it is and converted as soon as an AK comes with a request
 * (or auth-service asks, {@link #convert}). A session without the AK of a key held under one gets 403
 * {@link #NO_ACCESS}; a key held under an AK that was replaced (a password reset) is 409 {@link #LOST}
 * until a rotation (a PUT naming its version) replaces it.
 */
public final class KeyService {
  public static final String NO_ACCESS = "This device has no access to the encryption key: pair it again "
      + "(sign in to sync from the Flamingo app) and confirm your password";
  public static final String LOST = "The encryption key was lost when this account's password was reset by the "
      + "server's operator, and nobody can recover it. Rotate the key in the Flamingo app to start again with a "
      + "new key (the data synced with the old key is dropped)";

  private final KeyStore store;
  private final KeyWrapper wrapper;
  private final Events events;

  public KeyService(KeyStore store, KeyWrapper wrapper, Events events) {
    this.store = store;
    this.wrapper = wrapper;
    this.events = events;
  }

  /**
   * What the gateway says of the calling session (from auth-service's grant): whether the account has an AK
   * (custody) and the AK when this session has a grant. The v1 addresses (old gateways) send neither.
   */
  record Custody(boolean custody, AccountKey ak) {
    static final Custody NONE = new Custody(false, null);

    static Custody of(JsonObject body) {
      byte[] key = KeyCustody.keyFromBase64(body.getValue("account_key"));
      UUID id = null;
      if (key != null && body.getValue("account_key_id") instanceof String s) {
        try {
          id = UUID.fromString(s);
        } catch (IllegalArgumentException e) {
          id = null;
        }
      }
      AccountKey ak = key != null && id != null ? new AccountKey(id, key) : null;
      return new Custody(ak != null || Boolean.TRUE.equals(body.getValue("custody")), ak);
    }
  }

  /** DATA_KEY_GET (v1, old gateways): keys under the KEK alone only. */
  public Future<JsonObject> get(JsonObject body, RequestContext ctx) {
    return get(ctx, Custody.NONE);
  }

  /** DATA_KEY_GET_V2 {custody, account_key?, account_key_id?}: {master_key, version, updated_at} or data: null. */
  public Future<JsonObject> getV2(JsonObject body, RequestContext ctx) {
    return get(ctx, Custody.of(body));
  }

  private Future<JsonObject> get(RequestContext ctx, Custody c) {
    long account = ctx.requireAccount();
    return store.get(store.pool(), account, false).compose(k -> {
      if (k == null) {
        return Future.succeededFuture(Reply.data(null));
      }
      byte[] master = open(account, k, c);
      Future<Void> converted = k.accountKeyId() == null && c.ak() != null
          ? convert(k, master, c.ak()).<Void>mapEmpty().otherwiseEmpty() : Future.succeededFuture();
      JsonObject data = new JsonObject()
          .put("master_key", Base64.getEncoder().encodeToString(master))
          .put("version", k.version())
          .put("updated_at", k.updatedAt().toInstant().toString());
      return converted.map(v -> {
        KeyCustody.wipe(master);
        return Reply.data(data);
      });
    });
  }

  /** The master key of a row for this caller; 403 / 409 when it cannot have it. */
  private byte[] open(long account, StoredKey k, Custody c) {
    byte[] stored = wrapper.unwrap(account, k.wrapped());
    if (k.accountKeyId() == null) {
      return stored;
    }
    if (c.ak() == null) {
      throw new ServiceException(403, NO_ACCESS);
    }
    if (!c.ak().id().equals(k.accountKeyId())) {
      throw lost(k);
    }
    try {
      return KeyCustody.openMasterKey(c.ak(), account, stored);
    } catch (KeyCustody.SealBroken e) {
      // an account key with the right id that does not open it: not this account's key (only a forged request
      // from a certified node can carry one), so no access, like a session without a grant
      throw new ServiceException(403, NO_ACCESS);
    } finally {
      KeyCustody.wipe(stored);
    }
  }

  /** {set, version, kek_id, custody, account_key_id, created_at, updated_at} from the row alone: the key is never unwrapped here. */
  public Future<JsonObject> status(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    return store.status(account).map(r -> Reply.data(r == null ? new JsonObject().put("set", false) : new JsonObject()
        .put("set", true)
        .put("version", r.version())
        .put("kek_id", r.kekId())
        .put("custody", r.accountKeyId() != null)
        .put("account_key_id", r.accountKeyId() == null ? null : r.accountKeyId().toString())
        .put("created_at", r.createdAt().toInstant().toString())
        .put("updated_at", r.updatedAt().toInstant().toString())));
  }

  /**
   * DATA_KEY_CONVERT {account_key, account_key_id} → {converted}: a key under the KEK alone is sealed under the
   * account key too (auth-service asks when an account's key custody begins).
   */
  public Future<JsonObject> convert(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    Custody c = Custody.of(body);
    if (c.ak() == null) {
      throw ServiceException.badRequest("account_key and account_key_id are required");
    }
    return store.get(store.pool(), account, false).compose(k -> {
      if (k == null || k.accountKeyId() != null) {
        return Future.succeededFuture(false);
      }
      byte[] master = wrapper.unwrap(account, k.wrapped());
      return convert(k, master, c.ak()).onComplete(ar -> KeyCustody.wipe(master));
    }).map(converted -> Reply.data(new JsonObject().put("converted", converted)));
  }

  private Future<Boolean> convert(StoredKey k, byte[] master, AccountKey ak) {
    return store.convert(store.pool(), k, wrap(k.accountId(), master, ak), ak.id());
  }

  /** The stored form: sealed under the AK when there is one, then under the KEK. */
  private KeyWrapper.Wrapped wrap(long account, byte[] master, AccountKey ak) {
    if (ak == null) {
      return wrapper.wrap(account, master);
    }
    byte[] inner = KeyCustody.sealMasterKey(ak, account, master);
    return wrapper.wrap(account, inner);
  }

  /** DATA_KEY_PUT (v1, old gateways): {master_key, expected_version? | if_match?} → {version}; no key custody. */
  public Future<JsonObject> put(JsonObject body, RequestContext ctx) {
    return put(body, ctx, Custody.NONE);
  }

  /** DATA_KEY_PUT_V2: as v1, with {custody, account_key?, account_key_id?}. */
  public Future<JsonObject> putV2(JsonObject body, RequestContext ctx) {
    return put(body, ctx, Custody.of(body));
  }

  private Future<JsonObject> put(JsonObject body, RequestContext ctx, Custody c) {
    long account = ctx.requireAccount();
    byte[] key = masterKey(body);
    Long expected = Versions.expected(body);
    KeyWrapper.Wrapped wrapped = wrap(account, key, c.ak());
    UUID akId = c.ak() == null ? null : c.ak().id();
    KeyCustody.wipe(key);
    // the counter row first (refused when the account is being deleted), then the key row
    return store.pool().withTransaction(tx -> ChangeCounter.hold(tx, account).compose(held -> store.get(tx, account, true)).compose(current -> {
      if (current == null) {
        if (expected != null && expected != 0) {
          return Future.failedFuture(conflict("No key is stored yet; send it without a version", null));
        }
        if (c.custody() && c.ak() == null) {
          return Future.failedFuture(new ServiceException(403, NO_ACCESS));
        }
        // lost the race to another first PUT: name the version it stored, like the 409 below
        return store.insertFirst(tx, account, wrapped, akId).compose(inserted -> inserted
            ? Future.succeededFuture(new Result(1, 0, null))
            : store.get(tx, account, false).compose(existing -> Future.<Result>failedFuture(
                conflict("A key already exists; name its version to rotate it", existing))));
      }
      if (c.ak() == null && (current.accountKeyId() != null || c.custody())) {
        return Future.failedFuture(new ServiceException(403, NO_ACCESS));
      }
      boolean akReplaced = current.accountKeyId() != null && !current.accountKeyId().equals(akId);
      if (expected == null) {
        return Future.failedFuture(akReplaced ? lost(current)
            : conflict("A key already exists; name its version to rotate it", current));
      }
      if (expected != current.version()) {
        return Future.failedFuture(conflict("Key version mismatch: the stored key is version " + current.version(), current));
      }
      int next = current.version() + 1;
      // the change counter first (it serializes with blob writes), then the key, then the old blobs
      return ChangeCounter.next(tx, account).compose(change -> store.replace(tx, account, wrapped, next, akId)
          .compose(v -> store.deleteBlobs(tx, account))
          .map(dropped -> new Result(next, dropped, dropped > 0 ? change : null)));
    }).compose(result -> events.audit(tx, result.version == 1 ? "key.set" : "key.rotated", ctx,
        new JsonObject().put("version", result.version).put("blobs_dropped", result.dropped)).map(result)))
        .map(result -> {
          if (result.change != null) {
            events.changed(account, null, result.change, true);
          }
          return Reply.data(new JsonObject().put("version", result.version));
        });
  }

  /** The key version stored, blobs dropped, and the account's change counter when blobs were dropped. */
  private record Result(int version, int dropped, Long change) {}

  /** 409 {@link #LOST}, naming the version a rotation replaces. */
  private static ServiceException lost(StoredKey current) {
    return conflict(LOST, current);
  }

  private static ServiceException conflict(String message, StoredKey current) {
    return new ServiceException(409, message,
        new JsonObject().put("version", current == null ? null : current.version()));
  }

  private static byte[] masterKey(JsonObject body) {
    Object value = body.getValue("master_key");
    if (!(value instanceof String s) || !s.matches("[A-Za-z0-9+/]{43}=")) {
      throw new ServiceException(400, "master_key must be the base64 of exactly 32 bytes");
    }
    return Base64.getDecoder().decode(s);
  }
}
