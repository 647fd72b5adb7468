package dev.flamingo.sync.common.bus;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** One bus action of a service: the request body and who asks, to a reply body (see {@link Reply}). */
@FunctionalInterface
public interface ServiceHandler {
  Future<JsonObject> handle(JsonObject body, RequestContext context);
}
