package dev.flamingo.sync.gateway.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/**
 * The client's IP: the peer address, unless the peer is a configured trusted proxy (a single address or
 * a CIDR range, IPv4 or IPv6), in which case {@code X-Forwarded-For} is walked right to left and the
 * first hop that is not itself a trusted proxy is the client.
 *
 * <p>Only an IP literal is ever a client address (Netty's NetUtil, no DNS), returned in its normal form. A hop that
 * is not one ("unknown", a name, an address with a port, any other text) was not written by a trusted proxy, so it
 * and everything left of it are the client's own words: the request then counts as coming from the last trusted
 * address, the hop right of the bad one, or the peer (the proxy) when it is the right-most. No text of the client's
 * reaches the rate limits, the audit log or the fail2ban line, and a client that sends junk shares its proxy's
 * bucket rather than getting a fresh one per request.
 */
public final class ClientAddress {
  private final List<IpRange> trustedProxies;

  /** Every entry must be an IP literal or a CIDR range; a bad entry fails the start (IllegalArgumentException). */
  public ClientAddress(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies.stream().map(IpRange::parse).toList();
  }

  public String of(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    // the peer in its RFC 5952 form too ("::1", never "0:0:0:0:0:0:0:1"), as the audit log and rate limits show it
    String peer = remote == null ? "unknown" : shortForm(remote.hostAddress());
    if (!trusted(peer)) {
      return peer;
    }
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded == null || forwarded.isBlank()) {
      return peer;
    }
    String[] hops = forwarded.split(",");
    String lastTrusted = peer;
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (hop.isEmpty()) {
        continue;
      }
      String literal = IpRange.literal(hop);
      if (literal == null) {
        return lastTrusted;
      }
      if (!trusted(literal)) {
        return literal;
      }
      lastTrusted = literal;
    }
    return lastTrusted;
  }

  /** {@code ip} in its normal (RFC 5952) form when it is an IP literal, else as it is. */
  static String shortForm(String ip) {
    String literal = IpRange.literal(ip);
    return literal == null ? ip : literal;
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
