package dev.flamingo.sync.common.cluster;

import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may speak on the clustered event bus: only nodes holding a certificate from the deployment's own
 * CA. Every bus connection is TLS with a required client certificate, so a node without one (or with one
 * from another CA) can neither send to nor receive from any service, even though it can join Hazelcast.
 *
 * <p>{@code FLAMINGO_CLUSTER_TLS_DIR} holds {@code ca.crt} (one or more trusted CAs), {@code node.crt}
 * and {@code node.key} (made by {@code bin/cluster-certs}). Without it a clustered node refuses to start
 * unless {@code FLAMINGO_CLUSTER_INSECURE=true}.
 */
public final class ClusterTls {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterTls.class);
  public static final String CA = "ca.crt";
  public static final String CERT = "node.crt";
  public static final String KEY = "node.key";

  private ClusterTls() {}

  /** Configures mutual TLS on {@code bus}, or explains why this node may not start. */
  public static void configure(EventBusOptions bus, Settings settings) {
    String dir = settings.string(Setting.CLUSTER_TLS_DIR);
    if (dir == null) {
      if (!settings.bool(Setting.CLUSTER_INSECURE)) {
        throw new IllegalStateException(Settings.CLUSTER_TLS_DIR + " is not set: a clustered node needs the"
            + " cluster's certificates (make them with bin/cluster-certs DIR), or "
            + Settings.CLUSTER_INSECURE + "=true for development only");
      }
      LOG.warn("{}=true: the event bus is NOT encrypted or authenticated. Anyone who can reach the cluster"
          + " ports can join, read every account's key and bearer tokens off the bus and forge any request."
          + " Use this for development on a closed machine only; set {} for anything else.",
          Settings.CLUSTER_INSECURE, Settings.CLUSTER_TLS_DIR);
      return;
    }
    Path base = Path.of(dir);
    List<String> problems = new ArrayList<>();
    for (String name : List.of(CA, CERT, KEY)) {
      Path file = base.resolve(name);
      if (!Files.isReadable(file)) {
        problems.add(file + (Files.exists(file) ? " is not readable by this user" : " is missing"));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("Cluster TLS (" + Settings.CLUSTER_TLS_DIR + "=" + dir + "): "
          + String.join("; ", problems) + " (bin/cluster-certs makes them)");
    }
    warnIfOpen(base.resolve(KEY));
    bus.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setKeyPath(base.resolve(KEY).toString())
            .setCertPath(base.resolve(CERT).toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(base.resolve(CA).toString()))
        .setClientAuth(ClientAuth.REQUIRED);
    bus.setTrustAll(false);
    bus.setSslEngineOptions(new JdkSSLEngineOptions());
    warnIfRetiredEngine(settings);
    LOG.info("Event bus: mutual TLS with the certificates in {}", dir);
  }

  /**
   * {@code FLAMINGO_CLUSTER_TLS_ENGINE} is retired: the bus runs the JDK's TLS. Its {@code openssl} (the bundled
   * BoringSSL, netty-tcnative) was removed in issue 25: with it, bus replies stalled 10 s on every node of the compose
   * stack in bin/cluster-check (never explained), and in the bench's own runs of the same session the cluster was no
   * faster with it (0.65 of one JVM first, 0.75 warm) than with the JDK's TLS (0.69, 0.89).
   */
  private static void warnIfRetiredEngine(Settings settings) {
    String engine = settings.configured(Setting.CLUSTER_TLS_ENGINE);
    if (engine != null && !engine.trim().equalsIgnoreCase("jdk")) {
      LOG.warn("{}={} is retired: the event bus runs the JDK's TLS (remove the setting)",
          Settings.CLUSTER_TLS_ENGINE, engine);
    }
  }

  private static void warnIfOpen(Path key) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(key);
      if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
        LOG.warn("The cluster node key {} is readable by others; chmod 600 it", key);
      }
    } catch (java.io.IOException | UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
  }
}
