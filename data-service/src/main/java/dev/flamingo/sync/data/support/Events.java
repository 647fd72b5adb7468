package dev.flamingo.sync.data.support;

import dev.flamingo.sync.common.bus.AuditEvents;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** What data-service publishes: audit events and data changes (for push to clients). */
public final class Events {
  public static final String DATA_CHANGED = "flamingo.events.data.changed";
  private final Vertx vertx;
  private final AuditEvents audit;

  public Events(Vertx vertx) {
    this.vertx = vertx;
    this.audit = new AuditEvents(vertx);
  }

  public void audit(String type, RequestContext ctx, JsonObject metadata) {
    audit.publish(type, ctx, ctx.accountId(), ctx.deviceId(), metadata);
  }

  public void changed(long account, String type, Long version) {
    vertx.eventBus().publish(DATA_CHANGED, new JsonObject().put("account_id", account).put("data_type", type)
        .put("version", version));
  }
}
