package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.gateway.auth.Authenticator;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.JsonBodies;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Devices and the audit log (device-service). */
public final class DeviceRoutes {
  private final BusForwarder bus;

  public DeviceRoutes(BusForwarder bus) {
    this.bus = bus;
  }

  public void mount(Router router, Authenticator auth) {
    router.get("/api/devices").handler(auth::requireBearer)
        .handler(ctx -> bus.forward(ctx, Addresses.DEVICE_LIST, new JsonObject()));
    router.post("/api/devices/revoke-others").handler(auth::requireBearer)
        .handler(ctx -> bus.forward(ctx, Addresses.DEVICE_REVOKE_OTHERS, new JsonObject()));
    router.delete("/api/devices/:id").handler(auth::requireBearer)
        .handler(ctx -> bus.forward(ctx, Addresses.DEVICE_REVOKE, new JsonObject().put("id", ctx.pathParam("id"))));
    router.patch("/api/devices/:id").handler(auth::requireBearer)
        .handler(ctx -> bus.forward(ctx, Addresses.DEVICE_RENAME,
            JsonBodies.object(ctx).put("id", ctx.pathParam("id"))));
    router.get("/api/audit").handler(auth::requireBearer).handler(this::audit);
  }

  private void audit(RoutingContext ctx) {
    var params = ctx.request().params();
    bus.forward(ctx, Addresses.DEVICE_AUDIT_LIST, new JsonObject()
        .put("limit", params.get("limit"))
        .put("before", params.get("before"))
        .put("event_type", params.get("event_type")));
  }
}
