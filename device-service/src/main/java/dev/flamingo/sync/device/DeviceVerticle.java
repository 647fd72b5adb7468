package dev.flamingo.sync.device;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceConsumers;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.device.account.AccountActivity;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.device.audit.AuditBuffer;
import dev.flamingo.sync.device.audit.AuditEvent;
import dev.flamingo.sync.device.audit.AuditPublisher;
import dev.flamingo.sync.device.audit.AuditService;
import dev.flamingo.sync.device.audit.AuditStore;
import dev.flamingo.sync.device.device.AuthSessions;
import dev.flamingo.sync.device.device.DeviceService;
import dev.flamingo.sync.device.device.DeviceStore;
import dev.flamingo.sync.device.inbox.Inbox;
import dev.flamingo.sync.device.inbox.InboxStore;
import dev.flamingo.sync.device.support.Times;
import dev.flamingo.sync.device.lastseen.LastSeenBuffer;
import dev.flamingo.sync.device.retention.RetentionJob;
import dev.flamingo.sync.device.syncstatus.SyncStatusReports;
import dev.flamingo.sync.device.syncstatus.SyncStatusStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * device-service: the devices of each account (from auth-service's session events), their last use, their
 * revocation, and the audit log, in schema {@code device}. Last-seen sightings and audit events are
 * buffered and written in batches; both are flushed on stop.
 */
public class DeviceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceVerticle.class);
  private static final int LAST_SEEN_MAX_PENDING = 200_000;
  private static final int LAST_SEEN_CHUNK = 1000;
  /** How long a delivered device-state event is remembered (a redelivery comes much sooner). */
  private static final int DELIVERED_KEEP_DAYS = 30;
  static final long DRAIN_MS = 10_000;

  private Pool pool;
  private AuditBuffer auditBuffer;
  private LastSeenBuffer lastSeen;
  private RetentionJob retention;
  private final List<MessageConsumer<?>> eventConsumers = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  private ServiceConsumers consumers;

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    DeviceConfig config;
    try {
      config = DeviceConfig.from(settings);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return Database.open(vertx, settings, "device").compose(p -> {
      pool = p;
      DeviceStore deviceStore = new DeviceStore(pool);
      AuditStore auditStore = new AuditStore(pool);
      AuditPublisher publisher = new AuditPublisher(vertx);
      SyncStatusStore syncStatus = new SyncStatusStore(pool);
      DeviceService devices = new DeviceService(deviceStore, syncStatus,
          new AuthSessions(vertx, config.authTimeoutMs()), publisher, config.sessionTtlDays());
      AuditService audit = new AuditService(auditStore);
      AccountActivity activity = new AccountActivity(pool);
      InboxStore inboxStore = new InboxStore(pool);
      Inbox inbox = new Inbox(inboxStore, auditStore, devices);
      auditBuffer = new AuditBuffer(config.auditBufferMax(), config.auditBatchSize(), auditStore::insert);
      lastSeen = new LastSeenBuffer(deviceStore::updateLastSeen, LAST_SEEN_MAX_PENDING, LAST_SEEN_CHUNK);
      retention = new RetentionJob(auditStore, deviceStore, config.auditRetentionDays(),
          config.revokedDeviceRetentionDays());

      onEvent(Addresses.EVENT_SESSION_CREATED, devices::onSessionCreated);
      onEvent(Addresses.EVENT_SESSION_REVOKED, devices::onSessionRevoked);
      onEvent(Addresses.EVENT_DEVICE_SEEN, lastSeen::onSeen);
      onEvent(Addresses.EVENT_DEVICE_SYNC, new SyncStatusReports(syncStatus)::onReport);
      onEvent(Addresses.EVENT_AUDIT, this::onAudit);

      consumers = new ServiceConsumers(vertx)
          .on(Addresses.DEVICE_PING, Database.ping(pool, "device"))
          .on(Addresses.DEVICE_LIST, devices::list)
          .on(Addresses.DEVICE_REVOKE, devices::revoke)
          .on(Addresses.DEVICE_RENAME, devices::rename)
          .on(Addresses.DEVICE_REVOKE_OTHERS, devices::revokeOthers)
          .on(Addresses.DEVICE_AUDIT_LIST, audit::list)
          .on(Addresses.DEVICE_EVENTS_DELIVER, inbox::deliver)
          .on(Addresses.DEVICE_ADMIN_ACTIVITY, activity::activity)
          .on(Addresses.DEVICE_ADMIN_TOTALS, activity::totals);

      timers.add(vertx.setPeriodic(config.auditFlushMs(), id -> auditBuffer.drain()));
      timers.add(vertx.setPeriodic(config.lastSeenFlushMs(), id -> lastSeen.flush()));
      timers.add(vertx.setPeriodic(config.cleanupIntervalSeconds() * 1000, id -> retention.run()
          .compose(r -> inboxStore.deleteBefore(Times.now().minusDays(DELIVERED_KEEP_DAYS)))
          .onFailure(e -> LOG.warn("Could not forget old delivered events: {}", e.toString()))));

      List<Future<Void>> ready = new ArrayList<>();
      ready.add(consumers.ready());
      eventConsumers.forEach(c -> ready.add(c.completion()));
      return Future.all(ready);
    });
  }

  private void onAudit(JsonObject event) {
    AuditEvent e = AuditEvent.fromEvent(event);
    if (e == null) {
      LOG.warn("Ignored an audit event without an event_type");
      return;
    }
    auditBuffer.add(e);
  }

  private void onEvent(String address, Consumer<JsonObject> handler) {
    eventConsumers.add(vertx.eventBus().<Object>consumer(address, message -> {
      if (!(message.body() instanceof JsonObject body)) {
        LOG.warn("Ignored a non-object event on {}", address);
        return;
      }
      try {
        handler.accept(body);
      } catch (RuntimeException e) {
        LOG.error("Event on {} failed", address, e);
      }
    }));
  }

  /** Stops listening for events, writes what is buffered, then closes the pool. */
  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    List<Future<Void>> unregistered = new ArrayList<>();
    eventConsumers.forEach(c -> unregistered.add(c.unregister()));
    // take no more requests and answer those in flight before the pool closes
    if (consumers != null) {
      unregistered.add(consumers.close(DRAIN_MS));
    }
    if (pool == null) {
      return Future.join(unregistered);
    }
    return Future.join(unregistered)
        .eventually(() -> Future.join(lastSeen.flush(), auditBuffer.drain()))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("Could not write everything buffered on stop: {} audit events and {} last-seen sightings lost ({})",
              auditBuffer.size(), lastSeen.pending(), e.toString());
          return Future.succeededFuture();
        })
        .eventually(() -> pool.close());
  }

  // --- for operations and tests --------------------------------------------------------------------

  /** Writes the buffered last-seen sightings and audit events now (on this verticle's context). */
  public Future<Void> flushNow() {
    return onContext(() -> Future.join(lastSeen.flush(), auditBuffer.drain()).mapEmpty());
  }

  /** Runs the retention cleanup now → {audit_deleted, devices_deleted}. */
  public Future<JsonObject> cleanupNow() {
    return onContext(() -> retention.run());
  }

  public LastSeenBuffer lastSeen() {
    return lastSeen;
  }

  public AuditBuffer auditBuffer() {
    return auditBuffer;
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
