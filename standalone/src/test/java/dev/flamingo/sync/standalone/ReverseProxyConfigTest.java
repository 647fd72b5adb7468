package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.flamingo.sync.gateway.http.IpRange;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The public reverse proxy of the compose deployment: nginx logs no query string (the sign-in URL holds
 * the temp token), keeps the operations endpoints off the public port, and the gateways trust exactly the
 * proxy's fixed address so the forwarded client address is the one they see and no other container can forge it.
 */
class ReverseProxyConfigTest {
  static final Path NGINX = Path.of("..", "deploy", "nginx.conf");
  /** The proxy's two configurations: plain (docker-compose.yml) and TLS (docker-compose.tls.yml). */
  static final List<Path> CONFS = List.of(NGINX, Path.of("..", "deploy", "nginx-tls.conf"));
  static final Path COMPOSE = Path.of("..", "docker-compose.yml");

  static String nginx(Path file) throws Exception {
    StringBuilder out = new StringBuilder();
    for (String line : Files.readAllLines(file)) {
      int hash = line.indexOf('#');
      out.append(hash >= 0 ? line.substring(0, hash) : line).append('\n');
    }
    return out.toString();
  }

  /** Every directive (up to its ';') whose name is {@code name}. */
  static List<String> directives(String conf, String name) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)(?:^|[;{}])\\s*" + name + "\\s+([^;]*);").matcher(conf);
    while (m.find()) {
      found.add(m.group(1).trim());
    }
    return found;
  }

  @Test
  void accessLogHasNoQueryStrings() throws Exception {
    for (Path file : CONFS) {
      accessLogHasNoQueryStrings(nginx(file));
    }
  }

  static void accessLogHasNoQueryStrings(String conf) {
    List<String> formats = directives(conf, "log_format");
    assertEquals(1, formats.size(), "one log format of our own");
    String format = formats.get(0);
    String name = format.split("\\s+")[0];
    assertTrue(format.contains("$uri"), format);
    for (String leaky : List.of("$request ", "$request\"", "$request'", "$request_uri", "$args", "$query_string",
        "$arg_", "$is_args", "$http_referer")) {
      assertFalse(format.contains(leaky), "the access log must not contain " + leaky + ": " + format);
    }
    List<String> logs = directives(conf, "access_log");
    assertFalse(logs.isEmpty(), "an access_log with our format (nginx's default 'combined' logs $request)");
    for (String log : logs) {
      assertTrue(log.equals("off") || log.matches("\\S+\\s+" + Pattern.quote(name) + "(\\s.*)?"),
          "every access log uses the query-free format: " + log);
    }
  }

  @Test
  void operationsEndpointsAreNotPublic() throws Exception {
    for (Path file : CONFS) {
      operationsEndpointsAreNotPublic(nginx(file));
    }
  }

  static void operationsEndpointsAreNotPublic(String conf) {
    for (String path : List.of("/metrics", "/health/ready", "/metrics/", "/health/ready/")) {
      String block = locationFor(conf, path);
      assertNotNull(block, "a location refusing " + path);
      boolean refused = block.matches("(?s).*\\breturn\\s+404\\s+'\\{\"success\":false,\"error\":\"Not found\"\\}'.*")
          || block.matches("(?s).*\\bdeny\\s+all\\s*;.*");
      assertTrue(refused, path + " must be denied, got: " + block);
      assertFalse(block.contains("proxy_pass"), path + " must not reach a gateway");
    }
    String live = locationFor(conf, "/health/live");
    assertTrue(live == null || live.contains("proxy_pass"), "the health check of the proxy still reaches a gateway");
  }

  /** The body of the first regex or exact location that matches {@code path}, or null. */
  static String locationFor(String conf, String path) {
    Matcher m = Pattern.compile("location\\s+(=|~\\*?)\\s+(\\S+)\\s*\\{").matcher(conf);
    while (m.find()) {
      String op = m.group(1);
      String pattern = m.group(2);
      boolean hit = op.equals("=") ? pattern.equals(path)
          : Pattern.compile(pattern, op.equals("~*") ? Pattern.CASE_INSENSITIVE : 0).matcher(path).find();
      if (hit) {
        return block(conf, m.end());
      }
    }
    return null;
  }

  /** The text from {@code start} up to the brace closing the block opened just before it; quotes respected. */
  static String block(String conf, int start) {
    int depth = 1;
    char quote = 0;
    for (int i = start; i < conf.length(); i++) {
      char c = conf.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return conf.substring(start, i);
      }
    }
    throw new AssertionError("unbalanced braces in nginx.conf");
  }

  /** The default of a compose value {@code ${NAME:-default}}, or the value itself. */
  static String fallback(Object value) {
    Matcher m = Pattern.compile("^\\$\\{[A-Z_]+:-(.*)}$").matcher(String.valueOf(value));
    return m.matches() ? m.group(1) : String.valueOf(value);
  }

  @Test
  @SuppressWarnings("unchecked")
  void gatewaysTrustOnlyTheProxysFixedAddress() throws Exception {
    Map<String, Object> doc = new Yaml().load(Files.readString(COMPOSE));
    assertNotNull(doc.get("networks"), "compose declares its network (with a fixed subnet)");
    Map<String, Object> network = (Map<String, Object>) ((Map<String, Object>) doc.get("networks")).get("default");
    assertNotNull(network, "the default network is declared");
    List<Map<String, Object>> ipam = (List<Map<String, Object>>) ((Map<String, Object>) network.get("ipam")).get("config");
    String subnet = fallback(ipam.get(0).get("subnet"));  // bin/cluster-check picks a free one
    assertTrue(subnet.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+"), "a fixed subnet: " + subnet);
    String dynamic = fallback(ipam.get(0).get("ip_range"));
    assertTrue(dynamic.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+"),
        "containers get addresses from a part of the subnet only (ip_range): " + dynamic);

    Map<String, Object> services = (Map<String, Object>) doc.get("services");
    Map<String, Object> proxy = (Map<String, Object>) services.get("proxy");
    Map<String, Object> proxyNetworks = (Map<String, Object>) proxy.get("networks");
    assertNotNull(proxyNetworks, "the proxy has a fixed address on the network");
    Object declaredIp = ((Map<String, Object>) proxyNetworks.get("default")).get("ipv4_address");
    String proxyIp = fallback(declaredIp);
    assertTrue(IpRange.parse(subnet).contains(proxyIp), "the proxy's address " + proxyIp + " lies in " + subnet);
    assertFalse(IpRange.parse(dynamic).contains(proxyIp),
        "no other container can be handed the proxy's address: " + proxyIp + " lies outside " + dynamic);

    Map<String, Object> gateway = (Map<String, Object>) services.get("gateway");
    Map<String, Object> env = (Map<String, Object>) gateway.get("environment");
    assertEquals(declaredIp + "/32", String.valueOf(env.get("FLAMINGO_TRUSTED_PROXIES")),
        "the gateways trust exactly the proxy's address (from the same variable), not the network's range nor its"
            + " bridge gateway");
  }
}
