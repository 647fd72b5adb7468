package dev.flamingo.sync.testing;

import dev.flamingo.sync.common.cluster.ClusterBootstrap;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A Hazelcast cluster on loopback for one test class: a unique cluster name (parallel runs never join
 * each other), a fixed port per node reserved up front, TCP-IP join with every node listed.
 */
public final class TestCluster implements AutoCloseable {
  private final String name = "flamingo-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Integer> ports = new ArrayList<>();
  private final List<Vertx> nodes = new ArrayList<>();

  public TestCluster(int size) {
    for (int i = 0; i < size; i++) {
      ports.add(freePort());
    }
  }

  /** Starts node {@code index} (0-based), blocking; {@code base} is the config every node shares. */
  public Vertx startNode(int index, JsonObject base) {
    Settings settings = new Settings(base.copy()
        .put(Settings.CLUSTER_NAME, name)
        .put(Settings.CLUSTER_HOST, "127.0.0.1")
        .put(Settings.CLUSTER_PORT, ports.get(index))
        .put(Settings.CLUSTER_MEMBERS, ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","))));
    Vertx vertx = ClusterBootstrap.start(settings).await();
    nodes.add(vertx);
    return vertx;
  }

  @Override
  public void close() {
    for (Vertx v : nodes) {
      try {
        v.close().await();
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
