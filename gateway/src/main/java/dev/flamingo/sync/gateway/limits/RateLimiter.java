package dev.flamingo.sync.gateway.limits;

import dev.flamingo.sync.common.ops.Observability;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.gateway.http.Contexts;
import dev.flamingo.sync.gateway.http.Envelope;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A fixed-window limit for one route ("N per W seconds") on one subject per request (the client's IP
 * bucket, or the e-mail of a login), counted in a {@link WindowCounter} that every gateway of the cluster
 * shares. Over the limit: 429 with {@code Retry-After} and the envelope; the first request over the limit
 * in a window (cluster-wide) is reported to {@code onLimited}, every one to the metrics.
 *
 * <p>Counter keys are {@code name:COUNT/SECONDS:sha256(subject):window}: neither an e-mail nor an address
 * travels or rests in the cluster's (unencrypted) Hazelcast structures, and gateways configured with
 * different limits for a route (a rolling change) keep separate counts.
 *
 * <p>Once the shared count of a subject is over the limit, this gateway remembers it until the window
 * ends and refuses that subject's further requests without asking the cluster: a flood costs one shared
 * round trip per gateway and window, not one per request.
 *
 * <p>A limiter that counts failures only takes a count before forwarding (so parallel attempts cannot
 * slip past the limit) and gives it back when the answer is not a failure: a 401, or an answer the route
 * marked with {@link #countAsFailure} (a claim's 400 "The password is wrong"). With {@link KnownNetworks}, a
 * client from a network where the subject signed in before is not held to that limit.
 */
public final class RateLimiter implements Handler<RoutingContext> {
  private static final long EXPIRY_SLACK_MILLIS = 1000;
  private static final int MAX_REMEMBERED = 10_000;
  private static final String FAILURE = "flamingo.limits.failure";

  private final String name;
  private final int limit;
  private final long windowMillis;
  private final WindowCounter counter;
  private final Function<RoutingContext, String> subject;
  private final boolean failuresOnly;
  private final KnownNetworks known;
  private final Consumer<JsonObject> onLimited;
  private final String prefix;
  private final Map<String, Long> overUntil = new ConcurrentHashMap<>(); // key -> end of its window
  private volatile long nextPurge;
  private final LongSupplier clock;

  RateLimiter(String name, String spec, WindowCounter counter, Function<RoutingContext, String> subject,
      boolean failuresOnly, Consumer<JsonObject> onLimited) {
    this(name, spec, counter, subject, failuresOnly, null, onLimited);
  }

  RateLimiter(String name, String spec, WindowCounter counter, Function<RoutingContext, String> subject,
      boolean failuresOnly, KnownNetworks known, Consumer<JsonObject> onLimited) {
    this(name, spec, counter, subject, failuresOnly, known, onLimited, System::currentTimeMillis);
  }

  /** {@code clock} (epoch milliseconds) places each request in its window: tests control it. */
  RateLimiter(String name, String spec, WindowCounter counter, Function<RoutingContext, String> subject,
      boolean failuresOnly, KnownNetworks known, Consumer<JsonObject> onLimited, LongSupplier clock) {
    this.clock = clock;
    String[] parts = spec.split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("Rate limit for " + name + " must look like 'COUNT/SECONDS', was " + spec);
    }
    this.name = name;
    this.limit = Integer.parseInt(parts[0].trim());
    this.windowMillis = Math.max(1, Long.parseLong(parts[1].trim())) * 1000L;
    this.counter = counter;
    this.subject = subject;
    this.failuresOnly = failuresOnly;
    this.known = known;
    this.onLimited = onLimited;
    this.prefix = name + ':' + limit + '/' + windowMillis / 1000 + ':';
    Observability.register("rate_limit_hits", "limit", name); // scraped at 0 before the first hit
  }

  @Override
  public void handle(RoutingContext ctx) {
    check(ctx).onComplete(ar -> {
      if (ar.succeeded() && ar.result() == 0) {
        ctx.next();
      } else if (ar.succeeded()) {
        refuse(ctx, ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /**
   * Marks the answer about to be written as a failure that failures-only limits keep counting although it is
   * not a 401 (a wrong password where the route answers 400).
   */
  public static void countAsFailure(RoutingContext ctx) {
    ctx.put(FAILURE, Boolean.TRUE);
  }

  static void refuse(RoutingContext ctx, long retryAfter) {
    ctx.response().putHeader("Retry-After", String.valueOf(retryAfter));
    Envelope.error(ctx, 429, "Too many requests, retry in " + retryAfter + " seconds");
  }

  /** 0 when the request may pass, else the seconds until the window resets. */
  Future<Long> check(RoutingContext ctx) {
    String who = subject.apply(ctx);
    if (who == null || limit <= 0) {
      return Future.succeededFuture(0L);
    }
    String ip = Contexts.get(ctx).clientIp();
    long now = clock.getAsLong();
    String key = key(who, now);
    long ttl = ttl(now);
    return admit(key, ttl, now, ip)
        .compose(d -> d.seconds() == 0 || known == null ? Future.succeededFuture(d)
            : known.known(who, ClientKey.ipBucket(ip)).map(k -> k ? new Decision(0, d.counted()) : d))
        .map(d -> {
          if (d.seconds() == 0 && failuresOnly) {
            ctx.addHeadersEndHandler(v -> settle(ctx.response().getStatusCode() == 401
                || Boolean.TRUE.equals(ctx.get(FAILURE)), ctx.response().getStatusCode(), who, ip, key, ttl, d.counted()));
          }
          return d.seconds();
        });
  }

  /** A failures-only limit keeps the count of a failure (a 401 or a marked answer) and gives back any other. */
  private void settle(boolean failed, int status, String who, String ip, String key, long ttl, boolean counted) {
    if (!failed && counted) {
      counter.add(key, -1, ttl);
    }
    if (status == 200 && known != null) {
      known.remember(who, ClientKey.ipBucket(ip));
    }
  }

  /** Counts one request of {@code who} now; 0 when it may pass, else the seconds to wait. */
  public Future<Long> admit(String who, String ip) {
    long now = clock.getAsLong();
    return admit(key(who, now), ttl(now), now, ip).map(Decision::seconds);
  }

  /** The seconds to wait (0: pass) and whether the shared count was taken. */
  private record Decision(long seconds, boolean counted) {}

  private Future<Decision> admit(String key, long ttl, long now, String ip) {
    Long until = overUntil.get(key);
    if (until != null && until > now) {
      Observability.count("rate_limit_hits", "limit", name);
      return Future.succeededFuture(new Decision(Math.max(1, (until - now + 999) / 1000), false));
    }
    return counter.add(key, 1, ttl).map(count -> {
      if (count <= limit) {
        return new Decision(0, true);
      }
      Observability.count("rate_limit_hits", "limit", name);
      if (count == limit + 1) {
        onLimited.accept(new JsonObject().put("limit", name).put("ip", ip));
      }
      remember(key, windowEnd(now), now);
      return new Decision(Math.max(1, (windowEnd(now) - now + 999) / 1000), true);
    });
  }

  /**
   * Only a shortcut (the shared count still refuses), bounded: when full, what ended is dropped (at most once a
   * second) and a new subject is not remembered; the subjects already remembered stay refused until their window ends.
   */
  private void remember(String key, long until, long now) {
    if (overUntil.size() >= MAX_REMEMBERED) {
      if (now >= nextPurge) {
        nextPurge = now + 1000;
        overUntil.values().removeIf(end -> end <= now);
      }
      if (overUntil.size() >= MAX_REMEMBERED) {
        return;
      }
    }
    overUntil.put(key, until);
  }

  private String key(String who, long now) {
    return prefix + Tokens.sha256Hex(name + ':' + who) + ':' + now / windowMillis;
  }

  private long windowEnd(long now) {
    return (now / windowMillis + 1) * windowMillis;
  }

  private long ttl(long now) {
    return windowEnd(now) - now + EXPIRY_SLACK_MILLIS;
  }
}
