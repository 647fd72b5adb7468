package dev.flamingo.sync.data.support;

import dev.flamingo.sync.common.bus.AuditEvents;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** What data-service publishes: audit events and data changes (for push to clients). Never fails a request. */
public final class Events {
  /**
   * {account_id, data_type, version, deleted}: an account's blobs changed. data_type is null when every
   * type changed at once (a key rotation dropped them); version is the account's change counter after it.
   */
  public static final String DATA_CHANGED = "flamingo.events.data.changed";

  private final Vertx vertx;
  private final AuditEvents audit;

  public Events(Vertx vertx) {
    this.vertx = vertx;
    this.audit = new AuditEvents(vertx);
  }

  /** An audit event of the calling account and device; metadata never carries secrets. */
  public void audit(String type, RequestContext ctx, JsonObject metadata) {
    audit.publish(type, ctx, ctx.accountId(), ctx.deviceId(), metadata);
  }

  public void changed(long account, String type, long version, boolean deleted) {
    try {
      vertx.eventBus().publish(DATA_CHANGED, new JsonObject().put("account_id", account).put("data_type", type)
          .put("version", version).put("deleted", deleted));
    } catch (RuntimeException ignored) {
      // a change notice is best effort: the change itself is committed
    }
  }
}
