package dev.flamingo.sync.data.device;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * data-service's copy of its accounts' device names (table {@code device_names}), so that a blob write records its
 * writer's name at the time with a join inside its one statement, never a request to device-service. Fed by the
 * events that tell device-service: auth-service's {@code EVENT_SESSION_CREATED} on pairing (the name given then; a
 * later session of the same device changes nothing, as in device-service) and device-service's
 * {@code device.renamed} audit event. Both are published best effort: a name missed here is stored as null until
 * the device is renamed, never guessed. Devices paired before data-service kept names are learnt from device-service's
 * device list when the account's revisions are shown ({@link #learn}).
 */
public final class DeviceNames {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceNames.class);
  static final int NAME_MAX = 100;

  private final Pool pool;

  public DeviceNames(Pool pool) {
    this.pool = pool;
  }

  /** Listens to both events; resolves once both consumers are registered. */
  public Future<List<MessageConsumer<Object>>> listen(Vertx vertx) {
    MessageConsumer<Object> created = vertx.eventBus().consumer(Addresses.EVENT_SESSION_CREATED,
        m -> { if (m.body() instanceof JsonObject e) { onSessionCreated(e); } });
    MessageConsumer<Object> audit = vertx.eventBus().consumer(Addresses.EVENT_AUDIT,
        m -> { if (m.body() instanceof JsonObject e) { onAudit(e); } });
    return Future.all(created.completion(), audit.completion()).map(v -> List.of(created, audit));
  }

  /** How long a list of revisions waits for device-service's device list before it answers without it. */
  static final long LEARN_TIMEOUT_MS = 2000;

  /**
   * Asks device-service for the account's devices and records the names not known yet (devices paired before
   * data-service kept names, or whose event was missed). Called when the account's revisions are shown, never on a
   * write; any failure (device-service away) is ignored: the names stay as they were.
   */
  public Future<Void> learn(Vertx vertx, RequestContext ctx, long account) {
    return vertx.eventBus().<JsonObject>request(Addresses.DEVICE_LIST, new JsonObject(),
            ctx.toDeliveryOptions(LEARN_TIMEOUT_MS))
        .compose(reply -> {
          Object data = reply.body() == null ? null : reply.body().getValue("data");
          if (!(data instanceof JsonArray devices)) {
            return Future.<Void>succeededFuture();
          }
          List<String> ids = new ArrayList<>();
          List<String> names = new ArrayList<>();
          for (Object o : devices) {
            if (o instanceof JsonObject d && d.getValue("id") instanceof String id && id.length() <= 64
                && d.getValue("name") instanceof String name && !name.isEmpty()
                && name.codePointCount(0, name.length()) <= NAME_MAX) {
              ids.add(id);
              names.add(name);
            }
          }
          if (ids.isEmpty()) {
            return Future.<Void>succeededFuture();
          }
          return pool.preparedQuery("insert into device_names (device_id, account_id, name) "
                  + "select * from unnest($1::text[], array_fill($2::bigint, array[cardinality($1::text[])]), $3::text[]) "
                  + "on conflict (device_id) do nothing")
              .execute(Tuple.of(ids.toArray(new String[0]), account, names.toArray(new String[0]))).<Void>mapEmpty();
        })
        .recover(e -> Future.succeededFuture());
  }

  /** {account_id, device_id, device_name}: the device's name unless one is known already. */
  public Future<Void> onSessionCreated(JsonObject event) {
    return save(event.getValue("account_id"), event.getValue("device_id"), event.getValue("device_name"), false);
  }

  /** A {@code device.renamed} audit event {account_id, metadata: {device_id, name}}: the new name. */
  public Future<Void> onAudit(JsonObject event) {
    if (!"device.renamed".equals(event.getValue("event_type"))
        || !(event.getValue("metadata") instanceof JsonObject metadata)) {
      return Future.succeededFuture();
    }
    return save(event.getValue("account_id"), metadata.getValue("device_id"), metadata.getValue("name"), true);
  }

  private Future<Void> save(Object account, Object device, Object name, boolean rename) {
    if (!(account instanceof Number a) || !(device instanceof String d) || d.isEmpty() || d.length() > 64
        || !(name instanceof String n) || n.isEmpty() || n.codePointCount(0, n.length()) > NAME_MAX) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("insert into device_names (device_id, account_id, name) values ($1, $2, $3) "
            + "on conflict (device_id) do " + (rename
            ? "update set name = excluded.name, updated_at = now() where device_names.account_id = excluded.account_id"
            : "nothing"))
        .execute(Tuple.of(d, a.longValue(), n))
        .<Void>mapEmpty()
        .onFailure(e -> LOG.warn("Could not record a device name: {}", e.toString()));
  }
}
