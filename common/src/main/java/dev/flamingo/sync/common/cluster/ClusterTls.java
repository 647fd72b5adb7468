package dev.flamingo.sync.common.cluster;

import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
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
    String engine = engine(settings);
    if (engine.equals("openssl")) {
      bus.setSslEngineOptions(new OpenSSLEngineOptions());
    } else {
      bus.setSslEngineOptions(new JdkSSLEngineOptions());
    }
    LOG.info("Event bus: mutual TLS ({}) with the certificates in {}", engine, dir);
  }

  /**
   * {@code jdk} (the default) or {@code openssl}: the bundled BoringSSL, whose AES-GCM is several times cheaper
   * than the JDK's (which took a fifth of a cluster node's CPU in the bench: the cluster went from 0.59 to 0.65 of
   * the one JVM with it). Opt-in for now: in the compose stack under bin/cluster-check, bus replies stalled for
   * 10 s on every node once with it, not yet explained. Falls back to the JDK's where BoringSSL cannot load;
   * the two ends of a connection need not use the same engine.
   */
  static String engine(Settings settings) {
    String wanted = settings.string(Setting.CLUSTER_TLS_ENGINE).trim().toLowerCase(java.util.Locale.ROOT);
    if (!wanted.equals("openssl") && !wanted.equals("jdk")) {
      throw new IllegalStateException(Settings.CLUSTER_TLS_ENGINE + " must be openssl or jdk, not " + wanted);
    }
    if (wanted.equals("openssl") && !OpenSSLEngineOptions.isAvailable()) {
      LOG.warn("Event bus: OpenSSL (netty-tcnative) does not load here ({}); using the JDK's TLS",
          String.valueOf(io.netty.handler.ssl.OpenSsl.unavailabilityCause()));
      return "jdk";
    }
    return wanted;
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
