package dev.flamingo.sync.gateway.limits;

import io.netty.util.NetUtil;
import java.util.Locale;

/**
 * What one rate-limit bucket stands for. An IPv4 address is itself; an IPv6 address stands for its /64
 * (one subscriber's network: the smallest block one can hand out, so an attacker holding a /64 does not
 * get 2^64 buckets); an IPv4-mapped or NAT64 (64:ff9b::/96) IPv6 address is its IPv4 address. Anything
 * that is not an address (a proxy's "unknown") is its own bucket.
 */
public final class ClientKey {
  private ClientKey() {}

  public static String ipBucket(String ip) {
    if (ip == null || ip.isBlank()) {
      return "unknown";
    }
    String s = ip.trim();
    if (s.startsWith("[") && s.indexOf(']') > 0) {
      s = s.substring(1, s.indexOf(']'));
    }
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    byte[] b = NetUtil.createByteArrayFromIpAddressString(s);
    if (b == null && s.indexOf(':') >= 0 && s.indexOf('.') > s.lastIndexOf(':')) {
      b = embeddedDottedQuad(s);
    }
    if (b == null) {
      return s.toLowerCase(Locale.ROOT);
    }
    if (b.length == 16 && (embedsIpv4(b, MAPPED) || embedsIpv4(b, NAT64))) {
      return ipv4(b, 12);
    }
    if (b.length == 4) {
      return ipv4(b, 0);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i += 2) {
      out.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
    }
    return out.append(":/64").toString();
  }

  /** The e-mail as the login limit counts it: trimmed, lower-case. */
  public static String email(String email) {
    return email.trim().toLowerCase(Locale.ROOT);
  }

  private static final byte[] MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
  private static final byte[] NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

  private static boolean embedsIpv4(byte[] b, byte[] prefix) {
    for (int i = 0; i < 12; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** An IPv6 literal ending in a dotted quad that Netty does not take (e.g. 64:ff9b::192.0.2.1). */
  private static byte[] embeddedDottedQuad(String s) {
    int cut = s.lastIndexOf(':') + 1;
    byte[] v4 = NetUtil.createByteArrayFromIpAddressString(s.substring(cut));
    if (v4 == null || v4.length != 4) {
      return null;
    }
    String hex = Integer.toHexString(((v4[0] & 0xff) << 8) | (v4[1] & 0xff)) + ':'
        + Integer.toHexString(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
    byte[] b = NetUtil.createByteArrayFromIpAddressString(s.substring(0, cut) + hex);
    return b != null && b.length == 16 ? b : null;
  }

  private static String ipv4(byte[] b, int at) {
    return (b[at] & 0xff) + "." + (b[at + 1] & 0xff) + "." + (b[at + 2] & 0xff) + "." + (b[at + 3] & 0xff);
  }
}
