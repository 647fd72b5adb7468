package dev.flamingo.sync.data.key;

import dev.flamingo.sync.data.support.DbStatements;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.data.blob.ChangeCounter;
import dev.flamingo.sync.data.key.KeyStore.StoredKey;
import dev.flamingo.sync.data.support.Events;
import dev.flamingo.sync.data.support.Versions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * The account's key escrow. A key is never overwritten by accident: the shipped client PUTs a fresh
 * key whenever its GET failed, so a PUT that does not name the version it replaces is refused (409)
 * once a key exists. A rotation names the current version, bumps it, and drops the blobs encrypted
 * with the old key in the same transaction. Chosen statuses: a version named while no key exists is 409
 * (send the first key without one); a stale version is 409 with {version: current}.
 */
public final class KeyService {
  private final KeyStore store;
  private final KeyWrapper wrapper;
  private final Events events;

  public KeyService(KeyStore store, KeyWrapper wrapper, Events events) {
    this.store = store;
    this.wrapper = wrapper;
    this.events = events;
  }

  /** {master_key, version, updated_at} or data: null. */
  public Future<JsonObject> get(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    return store.get(store.pool(), account, false).map(k -> k == null ? Reply.data(null) : Reply.data(new JsonObject()
        .put("master_key", Base64.getEncoder().encodeToString(wrapper.unwrap(account, k.wrapped())))
        .put("version", k.version())
        .put("updated_at", k.updatedAt().toInstant().toString())));
  }

  /** {set, version, kek_id, created_at, updated_at} from the row alone: the key is never unwrapped here. */
  public Future<JsonObject> status(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    return store.status(account).map(r -> Reply.data(r == null ? new JsonObject().put("set", false) : new JsonObject()
        .put("set", true)
        .put("version", r.version())
        .put("kek_id", r.kekId())
        .put("created_at", r.createdAt().toInstant().toString())
        .put("updated_at", r.updatedAt().toInstant().toString())));
  }

  /** {master_key, expected_version? | if_match?} → {version}. */
  public Future<JsonObject> put(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    byte[] key = masterKey(body);
    Long expected = Versions.expected(body);
    KeyWrapper.Wrapped wrapped = wrapper.wrap(account, key);
    DbStatements.transaction();
    return store.pool().withTransaction(tx -> store.get(tx, account, true).compose(current -> {
      if (current == null) {
        if (expected != null && expected != 0) {
          return Future.failedFuture(conflict("No key is stored yet; send it without a version", null));
        }
        // lost the race to another first PUT: name the version it stored, like the 409 below
        return store.insertFirst(tx, account, wrapped).compose(inserted -> inserted
            ? Future.succeededFuture(new Result(1, 0, null))
            : store.get(tx, account, false).compose(existing -> Future.<Result>failedFuture(
                conflict("A key already exists; name its version to rotate it", existing))));
      }
      if (expected == null) {
        return Future.failedFuture(conflict("A key already exists; name its version to rotate it", current));
      }
      if (expected != current.version()) {
        return Future.failedFuture(conflict("Key version mismatch: the stored key is version " + current.version(), current));
      }
      int next = current.version() + 1;
      // the change counter first (it serializes with blob writes), then the key, then the old blobs
      return ChangeCounter.next(tx, account).compose(change -> store.replace(tx, account, wrapped, next)
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
