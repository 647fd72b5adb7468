package dev.flamingo.sync.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a clustered Vert.x node on Hazelcast with TCP-IP join (no multicast): the members come from
 * {@code FLAMINGO_CLUSTER_MEMBERS} ("host:port,host:port"), this node binds {@code FLAMINGO_CLUSTER_HOST}
 * and {@code FLAMINGO_CLUSTER_PORT}. The event bus uses the same host on a port of its own, with mutual
 * TLS ({@link ClusterTls}). Hazelcast's own traffic is plain in the open-source edition: it binds only
 * the interface named by {@code FLAMINGO_CLUSTER_HOST}, and nothing secret is kept in its structures.
 */
public final class ClusterBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterBootstrap.class);

  private ClusterBootstrap() {}

  public static Future<Vertx> start(Settings settings) {
    return start(settings, bus -> { });
  }

  /**
   * For tests only: starts a node whose event bus options {@code adjust} changes after {@link ClusterTls} set them
   * (a stranger that trusts every certificate, in ClusterTlsTest).
   */
  public static Future<Vertx> start(Settings settings, java.util.function.Consumer<io.vertx.core.eventbus.EventBusOptions> adjust) {
    VertxOptions options = dev.flamingo.sync.common.ops.Observability.vertxOptions();
    try {
      ClusterTls.configure(options.getEventBusOptions(), settings);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    adjust.accept(options.getEventBusOptions());
    System.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "slf4j"));
    String host = resolveHost(settings.string(Settings.CLUSTER_HOST, "127.0.0.1"));
    int port = settings.integer(Settings.CLUSTER_PORT, 5701);
    List<String> members = settings.list(Settings.CLUSTER_MEMBERS);
    if (members.isEmpty()) {
      members = List.of(host + ":" + port);
    }
    Config config = hazelcastConfig(settings.string(Settings.CLUSTER_NAME, "flamingo"), host, port,
        resolveMembers(members));
    options.getEventBusOptions().setHost(host).setPort(settings.integer(Settings.CLUSTER_BUS_PORT, 0));
    return Vertx.builder()
        .with(options)
        .withClusterManager(new HazelcastClusterManager(config))
        .buildClustered();
  }

  /** "auto" means this machine's own address (what a container's hostname resolves to). */
  static String resolveHost(String configured) {
    if (!"auto".equalsIgnoreCase(configured)) {
      return configured;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("FLAMINGO_CLUSTER_HOST=auto but this host's address is unknown", e);
    }
  }

  /**
   * Member host names become their addresses, every address a name has (compose: one per replica). Hazelcast
   * keeps only the addresses of a host-name member that match this node's interface, which is its own address
   * only: given names, every node of the compose stack founded a cluster of its own (found running
   * bin/cluster-check). A name that does not resolve yet (a member not started) is left out: it finds us.
   */
  static List<String> resolveMembers(List<String> members) {
    List<String> resolved = new ArrayList<>();
    for (String member : members) {
      String host = member;
      String port = "";
      int colon = member.lastIndexOf(':');
      if (colon > 0 && member.indexOf(':') == colon) {
        host = member.substring(0, colon);
        port = member.substring(colon);
      }
      if (host.startsWith("[") || host.contains(":") || host.matches("[0-9.]+")) {
        resolved.add(member);
        continue;
      }
      try {
        for (InetAddress address : InetAddress.getAllByName(host)) {
          String ip = address.getHostAddress();
          resolved.add((address instanceof Inet6Address ? "[" + ip + "]" : ip) + port);
        }
      } catch (UnknownHostException e) {
        LOG.info("cluster member {} does not resolve (not started yet?): left out of the join list", host);
      }
    }
    return resolved.isEmpty() ? members : resolved;
  }

  static Config hazelcastConfig(String clusterName, String host, int port, List<String> members) {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // leaving waits for partition replicas to move, 600 s at most by default: nothing kept in Hazelcast
    // (bus subscriptions, rate-limit counters) is worth that long a shutdown or test tear-down
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "15");
    // listen on the operator's interface only (Hazelcast binds every interface by default)
    config.setProperty("hazelcast.socket.bind.any", "false");
    // notice a killed member in seconds, not the default minute
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true);
    network.setPublicAddress(null);
    network.getInterfaces().setEnabled(true).addInterface(host);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    return config;
  }
}
