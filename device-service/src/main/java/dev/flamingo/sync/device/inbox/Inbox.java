package dev.flamingo.sync.device.inbox;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.device.account.AccountActivity;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.device.audit.AuditEvent;
import dev.flamingo.sync.device.audit.AuditStore;
import dev.flamingo.sync.device.device.DeviceService;
import dev.flamingo.sync.device.support.BusFields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DEVICE_EVENTS_DELIVER} {event_id, topic, payload} from the producers' outbox relays. Replies only
 * once the event is stored (committed), so the reply means "stored" and the producer may forget it. Every
 * event is applied once whatever the redeliveries: audit events by their event_id (audit_log.event_key),
 * device-state events through {@code delivered_events} in the same transaction as the device change. An
 * event that can never be applied (malformed, unknown topic) is acknowledged and logged, so it cannot
 * block the producer's outbox.
 */
public final class Inbox {
  private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

  private final InboxStore store;
  private final AuditStore audit;
  private final DeviceService devices;

  public Inbox(InboxStore store, AuditStore audit, DeviceService devices) {
    this.store = store;
    this.audit = audit;
    this.devices = devices;
  }

  public Future<JsonObject> deliver(JsonObject body, RequestContext ctx) {
    UUID eventId = BusFields.eventUuid(body, "event_id");
    String topic = body.getValue("topic") instanceof String t ? t : "";
    JsonObject payload = body.getValue("payload") instanceof JsonObject p ? p : null;
    if (eventId == null || payload == null) {
      return ignored("an event without event_id or payload", topic);
    }
    Future<Void> stored;
    if (Addresses.EVENT_AUDIT.equals(topic)) {
      stored = storeAudit(payload.copy().put("event_id", eventId.toString()));
    } else if (Addresses.EVENT_SESSION_CREATED.equals(topic) || Addresses.EVENT_SESSION_REVOKED.equals(topic)) {
      stored = store.pool().withTransaction(tx -> store.firstTime(tx, eventId).compose(first -> !first
          ? Future.<Void>succeededFuture()
          : Addresses.EVENT_SESSION_CREATED.equals(topic) ? devices.applyCreated(tx, payload)
          : devices.applyRevoked(tx, payload)));
    } else {
      stored = null;
    }
    if (stored == null) {
      return ignored("an event of an unknown topic", topic);
    }
    return stored.map(v -> Reply.data(new JsonObject().put("stored", true)));
  }

  private Future<Void> storeAudit(JsonObject payload) {
    AuditEvent e = AuditEvent.fromEvent(payload);
    if (e == null) {
      LOG.warn("Ignored a delivered audit event without an event_type");
      return Future.succeededFuture();
    }
    if (AccountActivity.ACCOUNT_DELETED.equals(e.eventType()) && e.accountId() != null) {
      // the account is gone: its devices and audit log go too, all but this record of the deletion (which
      // arrives after every earlier event of the account: the outbox delivers in order)
      return store.pool().withTransaction(tx -> AccountActivity.purge(tx, e.accountId(), e.key()))
          .compose(rows -> audit.insert(List.of(e)));
    }
    return audit.insert(List.of(e));
  }

  private static Future<JsonObject> ignored(String what, String topic) {
    LOG.warn("Acknowledged and ignored {} ({})", what, topic.length() > 80 ? topic.substring(0, 80) : topic);
    return Future.succeededFuture(Reply.data(new JsonObject().put("stored", false)));
  }
}
