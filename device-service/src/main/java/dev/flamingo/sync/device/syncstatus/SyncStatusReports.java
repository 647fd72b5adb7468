package dev.flamingo.sync.device.syncstatus;

import dev.flamingo.sync.device.support.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code EVENT_DEVICE_SYNC}: a gateway's coalesced report (already one message per flush interval and gateway,
 * at most 500 entries), written at once in one statement. A report that cannot be written is lost: the next one
 * brings the newer status.
 */
public final class SyncStatusReports {
  private static final Logger LOG = LoggerFactory.getLogger(SyncStatusReports.class);
  private static final int MAX_ENTRIES = 1000;

  private final SyncStatusStore store;

  public SyncStatusReports(SyncStatusStore store) {
    this.store = store;
  }

  /** {entries: [{device_id, account_id, type, upload_at?, download_at?, refused_at?, refused_status?, refused_message?}]}. */
  public Future<Void> onReport(JsonObject event) {
    if (!(event.getValue("entries") instanceof JsonArray entries)) {
      LOG.warn("Ignored a sync-status report without entries");
      return Future.succeededFuture();
    }
    OffsetDateTime now = Times.now();
    Map<String, SyncReport> reports = new LinkedHashMap<>();
    for (int i = 0; i < entries.size() && i < MAX_ENTRIES; i++) {
      SyncReport r = SyncReport.parse(entries.getValue(i), now);
      if (r != null) {
        reports.merge(r.deviceId() + "/" + r.type(), r, SyncReport::merge);
      }
    }
    if (reports.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.record(reports.values())
        .onFailure(e -> LOG.warn("Could not write the sync status of {} device/type pairs: {}", reports.size(),
            e.toString()))
        .mapEmpty();
  }
}
