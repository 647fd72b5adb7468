package dev.flamingo.sync.device.retention;

import dev.flamingo.sync.device.audit.AuditStore;
import dev.flamingo.sync.device.device.DeviceStore;
import dev.flamingo.sync.device.support.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes audit events older than the audit retention and devices revoked longer ago than the device
 * retention (a retention of 0 days or less keeps those rows forever). Audit rows go in batches so that no
 * single statement holds locks for long. Safe to run on several instances at once.
 */
public final class RetentionJob {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);
  static final int BATCH = 5000;

  private final AuditStore audit;
  private final DeviceStore devices;
  private final int auditDays;
  private final int revokedDeviceDays;
  private boolean running;

  public RetentionJob(AuditStore audit, DeviceStore devices, int auditDays, int revokedDeviceDays) {
    this.audit = audit;
    this.devices = devices;
    this.auditDays = auditDays;
    this.revokedDeviceDays = revokedDeviceDays;
  }

  /** → {audit_deleted, devices_deleted}; a run already going makes this one a no-op. */
  public Future<JsonObject> run() {
    if (running) {
      return Future.succeededFuture(new JsonObject().put("audit_deleted", 0).put("devices_deleted", 0));
    }
    running = true;
    OffsetDateTime now = Times.now();
    Future<Integer> auditDeleted = auditDays > 0 ? deleteAudit(now.minusDays(auditDays), 0) : Future.succeededFuture(0);
    return auditDeleted
        .compose(a -> (revokedDeviceDays > 0 ? devices.deleteRevokedBefore(now.minusDays(revokedDeviceDays))
            : Future.succeededFuture(0))
            .map(d -> new JsonObject().put("audit_deleted", a).put("devices_deleted", d)))
        .onSuccess(r -> {
          if (r.getInteger("audit_deleted") > 0 || r.getInteger("devices_deleted") > 0) {
            LOG.info("Retention: deleted {} audit events and {} revoked devices", r.getInteger("audit_deleted"),
                r.getInteger("devices_deleted"));
          }
        })
        .onFailure(e -> LOG.warn("Retention cleanup failed: {}", e.toString()))
        .onComplete(ar -> running = false);
  }

  private Future<Integer> deleteAudit(OffsetDateTime cutoff, int sofar) {
    return audit.deleteOlderThan(cutoff, BATCH)
        .compose(n -> n < BATCH ? Future.succeededFuture(sofar + n) : deleteAudit(cutoff, sofar + n));
  }
}
