package dev.flamingo.sync.gateway.auth;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells device-service that a device is in use, at most once per device per interval from this
 * gateway, so that {@code last_seen_at} stays fresh without a message (or a write) per request.
 */
public final class DeviceSeen {
  private final Vertx vertx;
  private final long intervalMillis;
  private final Map<String, Long> lastSent = new HashMap<>();

  public DeviceSeen(Vertx vertx, long intervalMillis) {
    this.vertx = vertx;
    this.intervalMillis = intervalMillis;
  }

  public void seen(RequestContext context) {
    if (context.deviceId() == null) {
      return;
    }
    long now = System.currentTimeMillis();
    Long last = lastSent.get(context.deviceId());
    if (last != null && now - last < intervalMillis) {
      return;
    }
    if (lastSent.size() > 100_000) {
      lastSent.values().removeIf(t -> now - t >= intervalMillis);
    }
    lastSent.put(context.deviceId(), now);
    vertx.eventBus().publish(Addresses.EVENT_DEVICE_SEEN, new JsonObject()
        .put("device_id", context.deviceId())
        .put("account_id", context.accountId())
        .put("ip", context.clientIp())
        .put("seen_at", Instant.ofEpochMilli(now).toString()));
  }
}
