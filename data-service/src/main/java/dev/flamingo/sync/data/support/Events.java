package dev.flamingo.sync.data.support;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** What data-service publishes: audit events and data changes (for push to clients). */
public final class Events {
  public static final String DATA_CHANGED = "flamingo.events.data.changed";
  private final Vertx vertx;

  public Events(Vertx vertx) {
    this.vertx = vertx;
  }

  public void audit(String type, RequestContext ctx, JsonObject metadata) {
    vertx.eventBus().publish(Addresses.EVENT_AUDIT, new JsonObject()
        .put("event_id", UUID.randomUUID().toString())
        .put("event_type", type)
        .put("account_id", ctx.accountId())
        .put("device_id", ctx.deviceId())
        .put("ip", ctx.clientIp())
        .put("user_agent", ctx.userAgent())
        .put("metadata", metadata)
        .put("created_at", Instant.now().toString()));
  }

  public void changed(long account, String type, Long version) {
    vertx.eventBus().publish(DATA_CHANGED, new JsonObject().put("account_id", account).put("data_type", type)
        .put("version", version));
  }
}
