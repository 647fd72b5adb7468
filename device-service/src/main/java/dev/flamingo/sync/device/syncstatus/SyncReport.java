package dev.flamingo.sync.device.syncstatus;

import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.device.support.BusFields;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One entry of a gateway's sync-status report: a device's newest outcomes for one data type. */
record SyncReport(UUID deviceId, long accountId, String type, OffsetDateTime uploadAt, OffsetDateTime downloadAt,
    OffsetDateTime refusedAt, Integer refusedStatus, String refusedMessage) {
  static final int MESSAGE_MAX = 200;
  /** A gateway's clock may be a little ahead; a time further ahead is taken as now. */
  private static final long MAX_SKEW_SECONDS = 60;

  /** The entry, or null when it names no valid device, account, type or outcome. */
  static SyncReport parse(Object value, OffsetDateTime now) {
    if (!(value instanceof JsonObject entry)) {
      return null;
    }
    UUID device = BusFields.eventUuid(entry, "device_id");
    Long account = BusFields.eventLong(entry, "account_id");
    String type = DataType.of(entry.getValue("type")).map(DataType::wireName).orElse(null);
    if (device == null || account == null || type == null) {
      return null;
    }
    OffsetDateTime refused = time(entry, "refused_at", now);
    Long status = BusFields.eventLong(entry, "refused_status");
    if (refused != null && (status == null || status < 400 || status > 599)) {
      refused = null;
    }
    SyncReport report = new SyncReport(device, account, type, time(entry, "upload_at", now),
        time(entry, "download_at", now), refused, refused == null ? null : status.intValue(),
        refused == null ? null : BusFields.eventString(entry, "refused_message", MESSAGE_MAX));
    return report.uploadAt == null && report.downloadAt == null && report.refusedAt == null ? null : report;
  }

  private static OffsetDateTime time(JsonObject entry, String key, OffsetDateTime now) {
    OffsetDateTime at = BusFields.eventTime(entry, key);
    return at != null && at.isAfter(now.plusSeconds(MAX_SKEW_SECONDS)) ? now : at;
  }

  /** The newer of each outcome of this and {@code other} (same device and type). */
  SyncReport merge(SyncReport other) {
    boolean otherRefusedLater = other.refusedAt != null && (refusedAt == null || other.refusedAt.isAfter(refusedAt));
    return new SyncReport(deviceId, accountId, type, newer(uploadAt, other.uploadAt),
        newer(downloadAt, other.downloadAt), otherRefusedLater ? other.refusedAt : refusedAt,
        otherRefusedLater ? other.refusedStatus : refusedStatus, otherRefusedLater ? other.refusedMessage : refusedMessage);
  }

  private static OffsetDateTime newer(OffsetDateTime a, OffsetDateTime b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }
}
