package dev.flamingo.sync.standalone;

import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.ops.LogFormat;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the one-box server says once it is up: the URL to put into the Flamingo app and, while
 * {@code FLAMINGO_PUBLIC_URL} is not set (every URL the server hands out then says localhost), the
 * address(es) of this machine that other machines would use, as the value to set. Plain lines on stdout in
 * the TEXT log format; one log event (logger {@code flamingo.start}, the facts as fields) in JSON, so that
 * stdout stays one JSON object a line.
 */
final class StartBanner {
  private static final Logger LOG = LoggerFactory.getLogger("flamingo.start");
  /** Interfaces of containers and VMs on this machine: their addresses are not for other machines. */
  private static final List<String> LOCAL_ONLY = List.of("docker", "veth", "br-", "podman", "cni", "virbr", "vnet", "flannel");

  private final Settings settings;
  private final List<String> addresses;

  StartBanner(Settings settings, List<String> addresses) {
    this.settings = settings;
    this.addresses = addresses;
  }

  /** The banner for this machine's network addresses. */
  static StartBanner of(Settings settings) {
    return new StartBanner(settings, networkAddresses());
  }

  boolean publicUrlSet() {
    return settings.configured(Setting.PUBLIC_URL) != null;
  }

  /** The URLs other machines may use while FLAMINGO_PUBLIC_URL is not set (empty when it is, or none). */
  List<String> otherMachineUrls() {
    if (publicUrlSet() || listensOnLoopbackOnly()) {
      return List.of();
    }
    int port = settings.integer(Setting.HTTP_PORT);
    return addresses.stream().map(a -> "http://" + a + ":" + port).toList();
  }

  private boolean listensOnLoopbackOnly() {
    String host = settings.string(Setting.HTTP_HOST);
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }

  /** The line about other machines, or null when FLAMINGO_PUBLIC_URL is set. */
  String otherMachines() {
    if (publicUrlSet()) {
      return null;
    }
    String until = " (login links say " + settings.publicUrl() + " until then)";
    if (listensOnLoopbackOnly()) {
      return "Other machines: it listens on " + settings.string(Setting.HTTP_HOST) + " only (FLAMINGO_HTTP_HOST);"
          + " behind a proxy, set FLAMINGO_PUBLIC_URL to the proxy's URL" + until;
    }
    List<String> urls = otherMachineUrls();
    if (urls.isEmpty()) {
      return "Other machines: this machine has no network address but loopback; set FLAMINGO_PUBLIC_URL to the URL"
          + " they will use" + until;
    }
    return "Other machines: set FLAMINGO_PUBLIC_URL=" + String.join(" or ", urls) + until;
  }

  List<String> lines() {
    String url = settings.publicUrl();
    List<String> lines = new ArrayList<>();
    if (publicUrlSet()) {
      lines.add("Flamingo Sync is running: " + url + " (FLAMINGO_PUBLIC_URL)");
    } else {
      lines.add("Flamingo Sync is running: " + url + " (this machine only: FLAMINGO_PUBLIC_URL is not set)");
      lines.add(otherMachines());
    }
    lines.add("Database: " + settings.dbUrlShown());
    lines.add("Secrets (JWT key, key-encryption key) in: " + secretsDir());
    lines.add(publicUrlSet() ? "In the Flamingo app, set the sync server URL to " + url
        : "In the Flamingo app on this machine, set the sync server URL to " + url);
    return lines;
  }

  private String secretsDir() {
    String dir = settings.string(Setting.SECRETS_DIR);
    return dir != null ? dir : "(configured by env)";
  }

  /** Prints the banner (TEXT) or logs it as one event (JSON). */
  void show(PrintStream out) {
    if (jsonLogs()) {
      var event = LOG.atInfo()
          .addKeyValue("event", "started")
          .addKeyValue("app_url", settings.publicUrl())
          .addKeyValue("public_url_set", publicUrlSet());
      if (!publicUrlSet()) {
        event = event.addKeyValue("other_machines_urls", String.join(" ", otherMachineUrls()));
      }
      event.addKeyValue("database", settings.dbUrlShown())
          .addKeyValue("secrets_dir", secretsDir())
          .log(lines().stream().collect(Collectors.joining("; ")));
      return;
    }
    out.println();
    for (String line : lines()) {
      out.println("  " + line);
    }
    out.println();
  }

  /** FLAMINGO_LOG_FORMAT as logback reads it ({@link LogFormat}). */
  static boolean jsonLogs() {
    return LogFormat.json();
  }

  /**
   * This machine's addresses other machines may reach: up, not loopback, not link-local, not a container or VM
   * bridge; IPv4 first, at most three.
   */
  static List<String> networkAddresses() {
    List<String> v4 = new ArrayList<>();
    List<String> v6 = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        String name = nic.getName().toLowerCase(Locale.ROOT);
        if (!nic.isUp() || nic.isLoopback() || LOCAL_ONLY.stream().anyMatch(name::startsWith)) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
            continue;
          }
          if (a instanceof Inet4Address) {
            v4.add(a.getHostAddress());
          } else if (a instanceof Inet6Address) {
            v6.add("[" + compressed((Inet6Address) a) + "]");
          }
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    List<String> all = v4.isEmpty() ? v6 : v4; // IPv6 only where there is no IPv4 address
    return all.size() > 3 ? all.subList(0, 3) : all;
  }

  /** An IPv6 address as people write it (RFC 5952: the longest run of zero groups as {@code ::}), no zone. */
  static String compressed(Inet6Address address) {
    return io.netty.util.NetUtil.toAddressString(address);
  }
}
