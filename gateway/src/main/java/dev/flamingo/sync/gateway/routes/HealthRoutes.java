package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.Envelope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code /health/live} (this process answers), {@code /health/ready} (every service answers its ping), the OpenAPI document. */
public final class HealthRoutes {
  private static final List<String> SERVICES = List.of(Addresses.AUTH_PING, Addresses.DATA_PING, Addresses.DEVICE_PING);
  private final BusForwarder bus;

  public HealthRoutes(BusForwarder bus) {
    this.bus = bus;
  }

  public void mount(Router router, io.vertx.core.buffer.Buffer openApi) {
    router.get("/api/openapi.json").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json; charset=utf-8").end(openApi));
    router.get("/health/live").handler(ctx -> Envelope.ok(ctx, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    JsonObject checks = new JsonObject();
    List<Future<JsonObject>> pings = SERVICES.stream()
        .map(address -> bus.request(Contexts.get(ctx), address, new JsonObject())
            .onComplete(ar -> checks.put(address.split("\\.")[1], ar.succeeded() ? "UP" : "DOWN")))
        .toList();
    Future.join(pings).onComplete(ar -> {
      boolean up = ar.succeeded();
      JsonObject data = new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks);
      if (up) {
        Envelope.ok(ctx, data);
      } else {
        Envelope.error(ctx, 503, "Not ready", data);
      }
    });
  }
}
