package dev.flamingo.sync.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.flamingo.sync.common.config.Setting;
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
    String host = resolveHost(settings.string(Setting.CLUSTER_HOST));
    int port = settings.integer(Setting.CLUSTER_PORT);
    List<String> members = settings.list(Setting.CLUSTER_MEMBERS);
    if (members.isEmpty()) {
      members = List.of(host + ":" + port);
    }
    publicAddressWarning(host).ifPresent(LOG::warn);
    Config config = hazelcastConfig(settings.string(Setting.CLUSTER_NAME), host, port,
        resolveMembers(members));
    options.getEventBusOptions().setHost(host).setPort(settings.integer(Setting.CLUSTER_BUS_PORT));
    return Vertx.builder()
        .with(options)
        .withClusterManager(new HazelcastClusterManager(config))
        .buildClustered();
  }

  /**
   * The start-up warning when Hazelcast would listen on {@code host} and that is a public address (or every
   * interface): its membership protocol has no authentication in the open-source edition, so a stranger who
   * reaches the port can join. Empty for loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), shared
   * (100.64/10) and link-local addresses, and for a name that does not resolve (Hazelcast then fails on its own).
   */
  static java.util.Optional<String> publicAddressWarning(String host) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
    } catch (UnknownHostException e) {
      return java.util.Optional.empty();
    }
    if (!isPublic(address)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("Hazelcast listens on " + address.getHostAddress() + " (FLAMINGO_CLUSTER_HOST=" + host
        + "), a public address: its membership has no authentication, so anyone who reaches port "
        + "FLAMINGO_CLUSTER_PORT can join the cluster. Bind a private address, or firewall the cluster ports "
        + "to the cluster's own hosts (docs/cluster.md, \"Firewall the cluster ports\").");
  }

  /** Whether {@code address} is reachable from outside a private network: not loopback, private, shared or link-local. */
  static boolean isPublic(InetAddress address) {
    if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (b.length == 4) {
      int first = b[0] & 0xFF;
      int second = b[1] & 0xFF;
      return !(first == 100 && second >= 64 && second <= 127); // 100.64/10, carrier-grade NAT (RFC 6598)
    }
    return (b[0] & 0xFE) != 0xFC; // fc00::/7, IPv6 unique local; "::" (every interface) is public
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

  /**
   * The classes Hazelcast may resolve when it reads a Java-serialized (or Externalizable) object from another
   * member, every class of the object graph: Hazelcast's own, Vert.x's cluster manager's and ours, and the basic
   * value and collection classes of java.lang, java.util, java.math and java.time. Anything else (a
   * deserialization gadget such as java.net.URL or a library's class) fails with "Resolving class … is not
   * allowed". Hazelcast's default list (everything under "java") is off: it lets in javax.* and java.net.*.
   */
  static com.hazelcast.config.JavaSerializationFilterConfig serializationFilter() {
    com.hazelcast.config.ClassFilter allowed = new com.hazelcast.config.ClassFilter()
        .addPrefixes("com.hazelcast.", "io.vertx.spi.cluster.hazelcast.", "dev.flamingo.sync.", "[")
        .addPackages("java.lang", "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "java.math",
            "java.time");
    return new com.hazelcast.config.JavaSerializationFilterConfig().setDefaultsDisabled(true).setWhitelist(allowed);
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
    config.getSerializationConfig().setJavaSerializationFilterConfig(serializationFilter());
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
