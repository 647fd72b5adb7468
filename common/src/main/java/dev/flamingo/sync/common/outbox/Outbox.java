package dev.flamingo.sync.common.outbox;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.AuditEvents;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.UUID;

/**
 * A transactional outbox: a service writes the events of a change into its own {@code outbox} table in the
 * same transaction as the change, and its {@link OutboxRelay} delivers them to device-service with
 * acknowledgement. So an event is recorded exactly when its change commits, and is never lost while
 * device-service is away.
 *
 * <p>Every event carries an {@code event_id} (the receiver de-duplicates by it); its {@code topic} is the
 * address the same payload used to be published on ({@link Addresses#EVENT_AUDIT},
 * {@link Addresses#EVENT_SESSION_CREATED}, {@link Addresses#EVENT_SESSION_REVOKED}).
 */
public final class Outbox {
  private final OutboxStore store;
  private volatile Runnable committed = () -> { };

  public Outbox() {
    this(new OutboxStore());
  }

  public Outbox(OutboxStore store) {
    this.store = store;
  }

  /**
   * Adds {@code payload} for {@code topic} inside the caller's transaction (a pool: its own statement). An
   * {@code event_id} is added to the payload when it has none; the payload is not otherwise changed.
   */
  public Future<Void> add(SqlClient tx, String topic, JsonObject payload) {
    UUID eventId;
    try {
      eventId = payload.getValue("event_id") instanceof String s ? UUID.fromString(s) : null;
    } catch (IllegalArgumentException e) {
      eventId = null;
    }
    if (eventId == null) {
      eventId = UUID.randomUUID();
      payload.put("event_id", eventId.toString());
    }
    Future<Void> inserted = store.insert(tx, eventId, topic, payload);
    Transaction transaction = tx instanceof SqlConnection c ? c.transaction() : null;
    if (transaction != null) {
      transaction.completion().onSuccess(v -> committed.run());
    } else {
      inserted.onSuccess(v -> committed.run());
    }
    return inserted;
  }

  /** Runs {@code listener} whenever events were committed to the outbox (the relay then delivers at once). */
  public void onCommitted(Runnable listener) {
    this.committed = listener;
  }

  /**
   * An audit event in the shape every service uses ({event_id, event_type, account_id, device_id, ip,
   * user_agent, metadata, created_at}); metadata never carries secrets.
   */
  public Future<Void> audit(SqlClient tx, String type, RequestContext ctx, Long accountId, String deviceId,
      JsonObject metadata) {
    return add(tx, Addresses.EVENT_AUDIT, AuditEvents.event(type, ctx, accountId, deviceId, metadata));
  }

  public OutboxStore store() {
    return store;
  }
}
