package dev.flamingo.sync.standalone.bench;

import dev.flamingo.sync.testing.BenchLoop;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The cost of mutual TLS on the clustered event bus (not a test): two clustered nodes on loopback, a
 * request/reply of a 4 KiB JSON body (a blob's size in the bench mix) from node 0 to a consumer on
 * node 1, one at a time (latency) and 32 in flight (throughput), on a plain bus and then with TLS. Run
 * with {@code bench/bus-tls.sh [N]}.
 */
public final class BusTlsBench {
  private BusTlsBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    for (Path tls : Arrays.asList(null, TestCluster.certificates())) {
      try (TestCluster cluster = new TestCluster(2)) {
        Vertx sender = cluster.startNode(0, new JsonObject(), tls);
        Vertx receiver = cluster.startNode(1, new JsonObject(), tls);
        receiver.eventBus().<JsonObject>consumer("bench.echo", m -> m.reply(m.body())).completion().await();
        JsonObject body = new JsonObject().put("encrypted_blob", "A".repeat(4096)).put("nonce", "AAAAAAAAAAAAAAAA");
        run(sender, body, n / 4, 32); // warm-up
        double serial = run(sender, body, n, 1);
        double parallel = run(sender, body, n, 32);
        System.out.printf("%-9s bus, 4 KiB request/reply: %6.1f µs one at a time, %6.1f µs each with 32 in flight (%,.0f/s)%n",
            tls == null ? "plain" : "mutual-TLS", serial, parallel, 1_000_000 / parallel);
      }
    }
  }

  /** µs per request/reply, wall clock. */
  static double run(Vertx node, JsonObject body, int n, int inFlight) {
    return BenchLoop.run(node, n, inFlight, i -> node.eventBus().request("bench.echo", body));
  }
}
