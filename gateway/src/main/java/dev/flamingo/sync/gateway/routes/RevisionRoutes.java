package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.data.DataType;
import dev.flamingo.sync.gateway.auth.Authenticator;
import dev.flamingo.sync.gateway.http.BusForwarder;
import dev.flamingo.sync.gateway.http.Envelope;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * A data type's revisions (issue 23, data-service): list, read one, restore one as a new current version, delete
 * the history; Bearer under {@code /api/sync/data/{type}/revisions}, and the dashboard's cookie twins under
 * {@code /api/web/data/…} (guarded by {@link WebRoutes}' same-origin and login check, mounted after it). The type
 * and the version are checked here (400 before the bus); a read of one revision and a restore ask for the text
 * form, so they answer exactly as the type's GET and PUT do (ETag included).
 */
public final class RevisionRoutes {
  static final String INVALID_VERSION = "Invalid revision version";

  private final BusForwarder bus;

  public RevisionRoutes(BusForwarder bus) {
    this.bus = bus;
  }

  /** The Bearer routes of devices. */
  public void mount(Router router, Authenticator auth) {
    String one = "/api/sync/data/:type/revisions";
    router.get(one).handler(auth::requireBearer).handler(typed(this::list));
    router.get(one + "/:version").handler(auth::requireBearer).handler(typed(this::read));
    router.post(one + "/:version/restore").handler(auth::requireBearer).handler(typed(this::restore));
    router.delete(one).handler(auth::requireBearer).handler(typed(this::purge));
  }

  /** The dashboard's routes; mount after {@link WebRoutes#mount}, whose {@code /api/web/*} guard they rely on. */
  public void mountWeb(Router router) {
    router.get("/api/web/data/revisions")
        .handler(ctx -> bus.forward(ctx, Addresses.DATA_REVISIONS_SUMMARY, new JsonObject()));
    String one = "/api/web/data/:type/revisions";
    router.get(one).handler(typed(this::list));
    router.post(one + "/:version/restore").handler(typed(this::restore));
    router.delete(one).handler(typed(this::purge));
  }

  private void list(RoutingContext ctx, JsonObject body) {
    bus.forward(ctx, Addresses.DATA_REVISIONS_LIST, body);
  }

  private void read(RoutingContext ctx, JsonObject body) {
    if (versioned(ctx, body)) {
      bus.forwardText(ctx, Addresses.DATA_REVISIONS_GET, body, Map.of());
    }
  }

  private void restore(RoutingContext ctx, JsonObject body) {
    String ifMatch = ctx.request().getHeader("If-Match");
    if (ifMatch != null) {
      body.put("if_match", ifMatch);
    }
    if (versioned(ctx, body)) {
      bus.forwardText(ctx, Addresses.DATA_REVISIONS_RESTORE, body, Map.of());
    }
  }

  private void purge(RoutingContext ctx, JsonObject body) {
    bus.forward(ctx, Addresses.DATA_REVISIONS_PURGE, body);
  }

  /** A handler given {@code {type}} once the path's type is known, else 400 "Invalid data type". */
  private static Handler<RoutingContext> typed(java.util.function.BiConsumer<RoutingContext, JsonObject> then) {
    return ctx -> {
      String type = ctx.pathParam("type");
      if (DataType.of(type).isEmpty()) {
        Envelope.error(ctx, 400, "Invalid data type");
        return;
      }
      then.accept(ctx, new JsonObject().put("type", type));
    };
  }

  /** Puts the path's version (a positive whole number) into {@code body}, or answers 400. */
  private static boolean versioned(RoutingContext ctx, JsonObject body) {
    String version = ctx.pathParam("version");
    if (version == null || !version.matches("[0-9]{1,18}")) {
      Envelope.error(ctx, 400, INVALID_VERSION);
      return false;
    }
    body.put("version", Long.parseLong(version));
    return true;
  }
}
