package dev.flamingo.sync.gateway.http;

import io.netty.util.NetUtil;
import java.util.Arrays;

/**
 * One trusted-proxy entry: a single IPv4/IPv6 address or a CIDR range ({@code 10.0.0.0/8},
 * {@code fd00::/8}). Parsing never resolves names: anything that is not an IP literal is refused.
 */
public final class IpRange {
  private final byte[] network;
  private final int prefix;

  private IpRange(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /** Parses {@code address} or {@code address/prefix}; IllegalArgumentException when it is neither. */
  public static IpRange parse(String spec) {
    String text = spec.trim();
    int slash = text.indexOf('/');
    byte[] address = bytes(slash < 0 ? text : text.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException("Not an IP address or CIDR range: " + spec);
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (!p.matches("\\d{1,3}")) {
        throw new IllegalArgumentException("Bad prefix length in " + spec);
      }
      prefix = Integer.parseInt(p);
      if (address.length == 4 && text.substring(0, slash).contains(":") && prefix >= 96) {
        prefix -= 96; // an IPv4-mapped range written in IPv6 notation
      }
      if (prefix > bits) {
        throw new IllegalArgumentException("Prefix longer than the address in " + spec);
      }
    }
    return new IpRange(mask(address, prefix), prefix);
  }

  /** Whether the IP literal {@code ip} lies in this range; false for anything that is not an IP literal. */
  public boolean contains(String ip) {
    byte[] address = bytes(ip);
    return address != null && address.length == network.length && Arrays.equals(mask(address, prefix), network);
  }

  /**
   * The normal form of the IP literal {@code ip} (IPv4 dotted quad, IPv4-mapped IPv6 as IPv4, else compressed
   * lower-case IPv6; brackets dropped), or null when it is anything else: a name, an address with a port or a
   * zone id, any other text. No DNS.
   */
  public static String literal(String ip) {
    if (ip == null || ip.indexOf('%') >= 0) {
      return null;
    }
    byte[] b = bytes(ip);
    return b == null ? null : NetUtil.bytesToIpAddress(b);
  }

  /**
   * The address bytes of an IP literal (4 for IPv4 and IPv4-mapped IPv6, else 16), or null. No DNS.
   * A zone id ({@code fe80::1%eth0}) is ignored.
   */
  static byte[] bytes(String ip) {
    if (ip == null || ip.isEmpty() || ip.length() > 64) {
      return null;
    }
    String literal = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    int zone = literal.indexOf('%');
    if (zone >= 0) {
      literal = literal.substring(0, zone);
    }
    byte[] b = NetUtil.createByteArrayFromIpAddressString(literal);
    if (b != null && b.length == 16 && isV4Mapped(b)) {
      return Arrays.copyOfRange(b, 12, 16);
    }
    return b;
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - keep)));
    }
    return out;
  }
}
