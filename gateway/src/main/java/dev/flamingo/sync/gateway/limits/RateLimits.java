package dev.flamingo.sync.gateway.limits;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** The rate limiters of one gateway process, shared by all its verticle instances. */
public final class RateLimits {
  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

  public RateLimiter limiter(String name, String spec, Consumer<JsonObject> onLimited) {
    return limiters.computeIfAbsent(name, n -> new RateLimiter(n, spec, onLimited));
  }
}
