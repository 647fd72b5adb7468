package dev.flamingo.sync.gateway.bench;

import dev.flamingo.sync.gateway.limits.ClientKey;
import dev.flamingo.sync.gateway.limits.RateLimiter;
import dev.flamingo.sync.gateway.limits.RateLimits;
import dev.flamingo.sync.testing.BenchLoop;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The cost of one shared rate-limit check (not a test): two clustered nodes on loopback, N admits from
 * node 0 over many client buckets, one at a time (latency) and 64 in flight (throughput), then one client
 * over its limit (answered from the gateway's memory), and the one-JVM server's local counter. Run with
 * {@code java -cp <test classpath> dev.flamingo.sync.gateway.bench.SharedLimiterBench [N]}.
 */
public final class SharedLimiterBench {
  private SharedLimiterBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    try (TestCluster cluster = new TestCluster(2)) {
      Vertx node = cluster.startNode(0, new JsonObject());
      cluster.startNode(1, new JsonObject());
      RateLimiter limiter = new RateLimits().perIp(node, "bench", "1000000/60", hit -> { });
      run(node, limiter, n / 4, 64, false);    // warm-up
      double serial = run(node, limiter, n, 1, false);
      double parallel = run(node, limiter, n, 64, false);
      RateLimiter tight = new RateLimits().perIp(node, "flood", "1/60", hit -> { });
      double flood = run(node, tight, n, 64, true);
      System.out.printf("shared limiter, 2 nodes: %.1f µs/admit one at a time, %.1f µs/admit with 64 in flight,"
          + " %.1f µs/refusal of a client over its limit%n", serial, parallel, flood);
    }
    Vertx alone = Vertx.vertx();
    RateLimiter local = new RateLimits().perIp(alone, "bench", "1000000/60", hit -> { });
    run(alone, local, n / 4, 64, false);
    System.out.printf("local limiter (one-JVM server): %.1f µs/admit one at a time%n", run(alone, local, n, 1, false));
    alone.close().await();
  }

  /** µs per admit, wall clock, admits issued from the node's event loop. */
  static double run(Vertx node, RateLimiter limiter, int n, int inFlight, boolean oneClient) {
    return BenchLoop.run(node, n, inFlight, i -> limiter.admit(ClientKey.ipBucket(oneClient ? "10.0.0.1" : ip(i)), "x"));
  }

  /** The i-th client's address: 10.x.y.z. */
  private static String ip(int i) {
    return "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
  }
}
