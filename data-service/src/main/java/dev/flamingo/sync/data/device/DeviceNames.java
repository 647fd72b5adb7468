package dev.flamingo.sync.data.device;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * data-service's copy of its accounts' device names (table {@code device_names}), so that a blob write records its
 * writer's name at the time with a join inside its one statement, never a request to device-service. Fed by the
 * events that tell device-service: auth-service's {@code EVENT_SESSION_CREATED} on pairing (the name given then; a
 * later session of the same device changes nothing, as in device-service) and device-service's
 * {@code device.renamed} audit event. Both are published best effort: a name missed here is stored as null until
 * the device is renamed, never guessed.
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
