package dev.flamingo.sync.gateway.limits;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Several limits on one route, checked in order; the first one over answers 429. */
public final class LimitChain implements Handler<RoutingContext> {
  private final List<RateLimiter> limiters;

  public LimitChain(RateLimiter... limiters) {
    this.limiters = List.of(limiters);
  }

  @Override
  public void handle(RoutingContext ctx) {
    check(ctx, 0).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result() > 0) {
        RateLimiter.refuse(ctx, ar.result());
      } else {
        ctx.next();
      }
    });
  }

  private Future<Long> check(RoutingContext ctx, int i) {
    if (i == limiters.size()) {
      return Future.succeededFuture(0L);
    }
    return limiters.get(i).check(ctx).compose(wait -> wait > 0 ? Future.succeededFuture(wait) : check(ctx, i + 1));
  }
}
