package dev.flamingo.sync.gateway.limits;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared counters, or, when they cannot answer in time, a local counter. A rate limiter must never
 * take the login page down: if the shared store is unreachable the limit FAILS OPEN to this gateway's
 * own count (each gateway then limits on its own, as before the counters were shared). Logged once per
 * outage, and once when the shared store answers again.
 */
public final class FailOpenCounter implements WindowCounter {
  private static final Logger LOG = LoggerFactory.getLogger(FailOpenCounter.class);

  private final WindowCounter shared;
  private final WindowCounter local;
  private final long timeoutMillis;
  private final AtomicBoolean degraded = new AtomicBoolean();

  public FailOpenCounter(WindowCounter shared, WindowCounter local, long timeoutMillis) {
    this.shared = shared;
    this.local = local;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Future<Long> add(String key, long delta, long ttlMillis) {
    return shared.add(key, delta, ttlMillis).timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .onSuccess(count -> {
          if (degraded.compareAndSet(true, false)) {
            LOG.info("Shared rate-limit counters answer again; limits are cluster-wide again");
          }
        })
        .recover(t -> {
          if (degraded.compareAndSet(false, true)) {
            LOG.warn("Shared rate-limit counters unavailable ({}); limiting per gateway until they return",
                t.toString());
          }
          return local.add(key, delta, ttlMillis);
        });
  }
}
