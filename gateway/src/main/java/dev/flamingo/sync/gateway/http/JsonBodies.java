package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.JsonBody;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads a request body as a JSON object, or refuses it with 400. An empty body is an empty object. */
public final class JsonBodies {
  private JsonBodies() {}

  public static JsonObject object(RoutingContext ctx) {
    return JsonBody.object(ctx.body() == null ? null : ctx.body().buffer());
  }
}
