package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.ops.OpsEndpoints;
import dev.flamingo.sync.gateway.http.BusForwarder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Operations: {@code /health/live} (this process answers), {@code /health/ready} (every service answers
 * its ping over the bus), {@code /metrics} (Prometheus) and the OpenAPI document.
 */
public final class HealthRoutes {
  private final Vertx vertx;
  private final BusForwarder bus;

  public HealthRoutes(Vertx vertx, BusForwarder bus) {
    this.vertx = vertx;
    this.bus = bus;
  }

  public void mount(Router router, Buffer openApi) {
    router.get("/api/openapi.json").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json; charset=utf-8").end(openApi));
    Map<String, Supplier<Future<?>>> ready = new LinkedHashMap<>();
    ready.put("auth", () -> ping(Addresses.AUTH_PING));
    ready.put("data", () -> ping(Addresses.DATA_PING));
    ready.put("device", () -> ping(Addresses.DEVICE_PING));
    OpsEndpoints.mount(vertx, router, ready);
  }

  private Future<?> ping(String address) {
    return bus.request(RequestContext.anonymous("health", null, null), address, new JsonObject());
  }
}
