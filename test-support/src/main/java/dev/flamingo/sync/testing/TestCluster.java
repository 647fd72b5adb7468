package dev.flamingo.sync.testing;

import dev.flamingo.sync.common.cluster.ClusterBootstrap;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A Hazelcast cluster on loopback for one test class: a unique cluster name (parallel runs never join
 * each other), a fixed port per node reserved up front, TCP-IP join with every node listed. The event
 * bus runs mutual TLS, as in production, with certificates made by {@code bin/cluster-certs} once per
 * test JVM.
 */
public final class TestCluster implements AutoCloseable {
  private static Path sharedCertificates;

  private final String name = "flamingo-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Integer> ports = new ArrayList<>();
  private final List<Vertx> nodes = new ArrayList<>();

  public TestCluster(int size) {
    for (int i = 0; i < size; i++) {
      ports.add(freePort());
    }
  }

  /** Starts node {@code index} (0-based) with the cluster's certificates, blocking. */
  public Vertx startNode(int index, JsonObject base) {
    return startNode(index, base, certificates());
  }

  /**
   * Starts node {@code index} with the certificates in {@code tlsDir}; {@code null} starts a node with a
   * plain event bus (FLAMINGO_CLUSTER_INSECURE), as a stranger without certificates would.
   */
  public Vertx startNode(int index, JsonObject base, Path tlsDir) {
    return startNode(index, base, tlsDir, bus -> { });
  }

  /**
   * Starts node {@code index} with the certificates in {@code tlsDir} and its event bus options then changed by
   * {@code adjust}: a node that breaks the cluster's TLS rules (e.g. trusts every certificate).
   */
  public Vertx startNode(int index, JsonObject base, Path tlsDir,
      Consumer<EventBusOptions> adjust) {
    JsonObject config = base.copy()
        .put(Settings.CLUSTER_NAME, name)
        .put(Settings.CLUSTER_HOST, "127.0.0.1")
        .put(Settings.CLUSTER_PORT, ports.get(index))
        .put(Settings.CLUSTER_MEMBERS, ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
    if (tlsDir == null) {
      config.remove(Settings.CLUSTER_TLS_DIR);
      config.put(Settings.CLUSTER_INSECURE, "true");
    } else {
      config.put(Settings.CLUSTER_TLS_DIR, tlsDir.toString());
    }
    Vertx vertx = ClusterBootstrap.start(new Settings(config), adjust).await();
    nodes.add(vertx);
    return vertx;
  }

  public String name() {
    return name;
  }

  /** "127.0.0.1:port,…" of every node of this cluster. */
  public String members() {
    return ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
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

  /** The certificates every test cluster of this JVM shares (a CA and a node certificate). */
  public static synchronized Path certificates() {
    if (sharedCertificates == null) {
      sharedCertificates = newCertificates();
    }
    return sharedCertificates;
  }

  /** A fresh CA and node certificate from {@code bin/cluster-certs}, in a new temporary directory. */
  public static Path newCertificates() {
    try {
      Path dir = Files.createTempDirectory("flamingo-cluster-tls-").resolve("certs");
      Process p = new ProcessBuilder("bash", script().toString(), dir.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("bin/cluster-certs failed: " + out);
      }
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run bin/cluster-certs", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A self-signed certificate and its key in a new directory, as node.crt, node.key and ca.crt (it trusts only itself):
   * what a stranger can make without the cluster's CA.
   */
  public static Path selfSignedCertificate() {
    try {
      Path dir = Files.createTempDirectory("flamingo-stranger-tls-");
      Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
          "-subj", "/CN=flamingo-node", "-addext", "extendedKeyUsage=serverAuth,clientAuth",
          "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
          "-keyout", dir.resolve("node.key").toString(), "-out", dir.resolve("node.crt").toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("openssl req -x509 failed: " + out);
      }
      Files.copy(dir.resolve("node.crt"), dir.resolve("ca.crt"));
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run openssl", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** bin/cluster-certs of this checkout, found upwards from the working directory. */
  public static Path script() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("bin").resolve("cluster-certs");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("bin/cluster-certs not found above " + Path.of("").toAbsolutePath());
  }

  /** The next port {@link #freePort} tries: one sequence per JVM, so no port is handed out twice. */
  private static final AtomicInteger NEXT_PORT = new AtomicInteger(-1);

  /**
   * A port that is free now, from below the kernel's ephemeral range: a port from the ephemeral range (what
   * binding port 0 gives) can be taken by any outgoing connection before the process that is handed it binds it
   * (seen: a data-service's ops port "Address already in use" in MultiProcessIT).
   */
  public static int freePort() {
    int low = 32768;
    try {
      low = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
          .trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      // not Linux: the usual start of the range
    }
    int first = 10000;
    int span = Math.max(1000, low - 2000 - first);
    NEXT_PORT.compareAndSet(-1, first + ThreadLocalRandom.current().nextInt(span));
    for (int i = 0; i < span; i++) {
      int port = first + Math.floorMod(NEXT_PORT.getAndIncrement() - first, span);
      try (ServerSocket s = new ServerSocket(port)) {
        return port;
      } catch (IOException taken) {
        // in use: the next one
      }
    }
    throw new IllegalStateException("no free port between " + first + " and " + (first + span));
  }

}
