package dev.flamingo.sync.gateway.limits;

import dev.flamingo.sync.common.ops.Observability;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.Envelope;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A per-client-IP fixed-window limit for one route ("N per W seconds"). Over the limit: 429 with
 * {@code Retry-After} and the envelope. Counters live in this gateway process (each replica limits on
 * its own) and are shared by its verticle instances, hence synchronized.
 */
public final class RateLimiter implements Handler<RoutingContext> {
  private final String name;
  private final int limit;
  private final long windowMillis;
  private final Consumer<JsonObject> onLimited;
  private final Map<String, long[]> windows = new HashMap<>();
  private long lastSweep;

  public RateLimiter(String name, String spec, Consumer<JsonObject> onLimited) {
    String[] parts = spec.split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("Rate limit for " + name + " must look like 'COUNT/SECONDS', was " + spec);
    }
    this.name = name;
    this.limit = Integer.parseInt(parts[0].trim());
    this.windowMillis = Long.parseLong(parts[1].trim()) * 1000L;
    this.onLimited = onLimited;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String ip = Contexts.get(ctx).clientIp();
    long now = System.currentTimeMillis();
    long retryAfter = admit(ip, now);
    if (retryAfter > 0) {
      ctx.response().putHeader("Retry-After", String.valueOf(retryAfter));
      Envelope.error(ctx, 429, "Too many requests, retry in " + retryAfter + " seconds");
      return;
    }
    ctx.next();
  }

  /** 0 when the request may pass, else the seconds until the window resets. */
  synchronized long admit(String ip, long now) {
    sweep(now);
    long[] w = windows.get(ip);
    if (w == null || now - w[0] >= windowMillis) {
      w = new long[] {now, 0};
      windows.put(ip, w);
    }
    w[1]++;
    if (limit <= 0 || w[1] <= limit) {
      return 0;
    }
    Observability.count("rate_limit_hits", "limit", name);
    if (w[1] == limit + 1) {
      onLimited.accept(new JsonObject().put("limit", name).put("ip", ip));
    }
    return Math.max(1, (w[0] + windowMillis - now + 999) / 1000);
  }

  private void sweep(long now) {
    if (now - lastSweep < windowMillis) {
      return;
    }
    lastSweep = now;
    windows.values().removeIf(w -> now - w[0] >= windowMillis);
  }
}
