package dev.flamingo.sync.gateway.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/**
 * The client's IP: the peer address, unless the peer is a configured trusted proxy (a single address or
 * a CIDR range, IPv4 or IPv6), in which case {@code X-Forwarded-For} is walked right to left and the
 * first hop that is not itself a trusted proxy is the client.
 */
public final class ClientAddress {
  private final List<IpRange> trustedProxies;

  /** Every entry must be an IP literal or a CIDR range; a bad entry fails the start (IllegalArgumentException). */
  public ClientAddress(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies.stream().map(IpRange::parse).toList();
  }

  public String of(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    String peer = remote == null ? "unknown" : remote.hostAddress();
    if (!trusted(peer)) {
      return peer;
    }
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded == null || forwarded.isBlank()) {
      return peer;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trusted(hop)) {
        return hop.length() > 64 ? hop.substring(0, 64) : hop;
      }
    }
    return peer;
  }

  boolean trusted(String ip) {
    for (IpRange range : trustedProxies) {
      if (range.contains(ip)) {
        return true;
      }
    }
    return false;
  }
}
