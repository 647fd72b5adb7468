package dev.flamingo.sync.standalone;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.ops.LogFormat;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
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
 * address(es) of this machine that other machines would use, as the value to set; where it listens
 * ({@code FLAMINGO_HTTP_HOST}: every interface, loopback only, or one address); whether sign-ups are open; and, while
 * no admin exists, the command that makes the first. Plain lines on stdout in
 * the TEXT log format; one log event (logger {@code flamingo.start}, the facts as fields) in JSON, so that
 * stdout stays one JSON object a line.
 */
final class StartBanner {
  private static final Logger LOG = LoggerFactory.getLogger("flamingo.start");
  /** Interfaces of containers and VMs on this machine: their addresses are not for other machines. */
  private static final List<String> LOCAL_ONLY = List.of("docker", "veth", "br-", "podman", "cni", "virbr", "vnet", "flannel");

  /** The command that makes an account an admin (auth-service's AdminCommand through bin/standalone). */
  static final String ADMIN_GRANT = "bin/standalone admin grant EMAIL";

  private final Settings settings;
  private final List<String> addresses;
  private final String signupMode;
  private final Long admins;

  StartBanner(Settings settings, List<String> addresses) {
    this(settings, addresses, settings.signupMode(), null);
  }

  /**
   * @param signupMode the sign-up mode in force (auth-service's answer, else the configured one)
   * @param admins the number of enabled admins, or null when auth-service did not say
   */
  StartBanner(Settings settings, List<String> addresses, String signupMode, Long admins) {
    this.settings = settings;
    this.addresses = addresses;
    this.signupMode = signupMode;
    this.admins = admins;
  }

  /** The banner for this machine's network addresses, with the sign-up mode and admin count auth-service gave. */
  static StartBanner of(Settings settings, String signupMode, Long admins) {
    return new StartBanner(settings, networkAddresses(), signupMode, admins);
  }

  /**
   * The banner with auth-service's answers (over the bus: the sign-up mode in force, and how many admins there are);
   * the configured sign-up mode and "if you have no admin yet" when it does not answer in time. Blocking: call it
   * off the event loop (the start thread).
   */
  static StartBanner asking(io.vertx.core.Vertx vertx, Settings settings) {
    String mode = settings.signupMode();
    Long admins = null;
    try {
      mode = ask(vertx, Addresses.AUTH_SIGNUPS_GET).getString("mode", mode);
      admins = ask(vertx, Addresses.AUTH_ADMIN_EXISTS).getLong("admins");
    } catch (RuntimeException e) {
      LOG.debug("auth-service did not say the sign-up mode or the admins for the banner", e);
    }
    return of(settings, mode, admins);
  }

  private static JsonObject ask(io.vertx.core.Vertx vertx, String address) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(5_000)
        .addHeader(RequestContext.H_CONTRACT, RequestContext.CONTRACT_VERSION)
        .addHeader(RequestContext.H_REQUEST_ID, "start-banner");
    Object body = vertx.eventBus().request(address, new JsonObject(), options).await().body();
    return ((JsonObject) body).getJsonObject("data");
  }

  /** Where the gateway listens: every interface, loopback only, or the one address FLAMINGO_HTTP_HOST names. */
  String listening() {
    String host = settings.string(Setting.HTTP_HOST);
    int port = settings.integer(Setting.HTTP_PORT);
    if (listensEverywhere()) {
      return "Listening on every interface (" + host + "), port " + port + " (FLAMINGO_HTTP_HOST): other machines can"
          + " connect";
    }
    if (listensOnLoopbackOnly()) {
      return "Listening on loopback only (" + host + "), port " + port + " (FLAMINGO_HTTP_HOST): other machines cannot"
          + " connect";
    }
    return "Listening on " + host + " only, port " + port + " (FLAMINGO_HTTP_HOST)";
  }

  private boolean listensEverywhere() {
    String host = settings.string(Setting.HTTP_HOST);
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isEmpty();
  }

  /** Whether anyone may create an account. */
  String signups() {
    return switch (signupMode) {
      case "open" -> "Sign-ups: open: anyone who reaches the server can create an account"
          + " (FLAMINGO_SIGNUP_MODE, or the admin page)";
      case "invite-only" -> "Sign-ups: invite-only: an account needs an invite link from an admin";
      case "closed" -> "Sign-ups: closed: no new accounts";
      default -> "Sign-ups: " + signupMode;
    };
  }

  /** How to make the first admin: null when there is one. */
  String firstAdmin() {
    if (admins != null && admins > 0) {
      return null;
    }
    String signUp = "open".equals(signupMode)
        ? "sign up at " + settings.publicUrl() + "/login"
        : "start once with FLAMINGO_SIGNUP_MODE=open (sign-ups are " + signupMode + "), sign up at "
            + settings.publicUrl() + "/login";
    String then = ", then run: " + ADMIN_GRANT;
    return admins == null ? "If you have no admin yet: " + signUp + then : "No admin yet: " + signUp + then;
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
      lines.add("Flamingo Sync is running: " + url + " (FLAMINGO_PUBLIC_URL is not set)");
    }
    lines.add(listening());
    if (!publicUrlSet()) {
      lines.add(otherMachines());
    }
    lines.add(signups());
    if (firstAdmin() != null) {
      lines.add(firstAdmin());
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
      event = event.addKeyValue("http_host", settings.string(Setting.HTTP_HOST))
          .addKeyValue("http_port", settings.integer(Setting.HTTP_PORT))
          .addKeyValue("listens_everywhere", listensEverywhere())
          .addKeyValue("loopback_only", listensOnLoopbackOnly())
          .addKeyValue("signup_mode", signupMode);
      if (admins != null) {
        event = event.addKeyValue("admins", admins);
      }
      if (firstAdmin() != null) {
        event = event.addKeyValue("first_admin_command", ADMIN_GRANT);
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
