package dev.flamingo.sync.device.audit;

import dev.flamingo.sync.common.bus.AuditEvents;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Publishes {@code EVENT_AUDIT} for what a caller did here (persisted by every device-service's consumer, once). */
public final class AuditPublisher {
  private final AuditEvents audit;

  public AuditPublisher(Vertx vertx) {
    this.audit = new AuditEvents(vertx);
  }

  public void publish(RequestContext ctx, long accountId, String eventType, JsonObject metadata) {
    audit.publish(eventType, ctx, accountId, ctx.deviceId(), metadata);
  }
}
