package dev.flamingo.sync.gateway.limits;

import dev.flamingo.sync.gateway.http.Contexts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The rate limiters of one gateway process, shared by all its verticle instances, and the counters
 * behind them: on a clustered node the cluster's shared counters (failing open to local ones), in the
 * one-JVM server local ones.
 */
public final class RateLimits {
  /** Counters each limit keeps at most (per gateway process, and per cluster member): see LocalWindowCounter. */
  static final int MAX_ENTRIES = 50_000;
  static final long SHARED_TIMEOUT_MILLIS = 500;

  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private WindowCounter counter;

  public RateLimits() {
    this(System::currentTimeMillis);
  }

  /**
   * With {@code clock} (epoch milliseconds) as the time that places requests in their windows and expires local
   * counters: a test holds it still, so that no window ends in the middle of the test.
   */
  public RateLimits(LongSupplier clock) {
    this.clock = clock;
  }

  /** Limits {@code spec} requests per client IP bucket ({@link ClientKey#ipBucket}). */
  public RateLimiter perIp(Vertx vertx, String name, String spec, Consumer<JsonObject> onLimited) {
    WindowCounter c = counter(vertx);
    return limiters.computeIfAbsent(name, n -> new RateLimiter(n, spec, c,
        ctx -> ClientKey.ipBucket(Contexts.get(ctx).clientIp()), false, null, onLimited, clock));
  }

  /**
   * Limits {@code spec} failures per client IP bucket: only answers that are failures count (a 401, or one
   * marked with {@link RateLimiter#countAsFailure}).
   */
  public RateLimiter failuresPerIp(Vertx vertx, String name, String spec, Consumer<JsonObject> onLimited) {
    WindowCounter c = counter(vertx);
    return limiters.computeIfAbsent(name, n -> new RateLimiter(n, spec, c,
        ctx -> ClientKey.ipBucket(Contexts.get(ctx).clientIp()), true, onLimited));
  }

  /**
   * Limits {@code spec} failures per signed-in account, from any client address (mount it after the
   * authentication; a request without an account passes).
   */
  public RateLimiter failuresPerAccount(Vertx vertx, String name, String spec, Consumer<JsonObject> onLimited) {
    WindowCounter c = counter(vertx);
    return limiters.computeIfAbsent(name, n -> new RateLimiter(n, spec, c,
        ctx -> Contexts.get(ctx).accountId() == null ? null : "account:" + Contexts.get(ctx).accountId(), true,
        onLimited));
  }

  /**
   * Limits {@code spec} requests per signed-in account (mount it after the authentication; a request without an
   * account passes, the route refuses it itself).
   */
  public RateLimiter perAccount(Vertx vertx, String name, String spec, Consumer<JsonObject> onLimited) {
    WindowCounter c = counter(vertx);
    return limiters.computeIfAbsent(name, n -> new RateLimiter(n, spec, c, ctx -> {
      Long account = Contexts.get(ctx).accountId();
      return account == null ? null : "account:" + account;
    }, false, onLimited));
  }

  /** Limits {@code spec} failed logins per e-mail (requests without an e-mail in the body pass). */
  public RateLimiter perLoginEmail(Vertx vertx, String name, String spec, Consumer<JsonObject> onLimited) {
    WindowCounter c = counter(vertx);
    return limiters.computeIfAbsent(name,
        n -> new RateLimiter(n, spec, c, RateLimits::email, true, new KnownNetworks(c), onLimited, clock));
  }

  /** The counters of this process (created on first use). */
  public synchronized WindowCounter counter(Vertx vertx) {
    if (counter == null) {
      LocalWindowCounter local = new LocalWindowCounter(MAX_ENTRIES, clock);
      counter = vertx.isClustered()
          ? new FailOpenCounter(new HazelcastWindowCounter(vertx, MAX_ENTRIES), local, SHARED_TIMEOUT_MILLIS)
          : local;
    }
    return counter;
  }

  private static String email(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      Object email = body == null ? null : body.getValue("email");
      return email instanceof String s && !s.isBlank() ? ClientKey.email(s) : null;
    } catch (RuntimeException notJson) {
      return null; // the route answers the bad body itself
    }
  }
}
