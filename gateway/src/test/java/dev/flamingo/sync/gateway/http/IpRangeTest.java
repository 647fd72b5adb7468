package dev.flamingo.sync.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Trusted-proxy entries: single addresses and CIDR ranges, IPv4 and IPv6, never a name lookup. */
class IpRangeTest {
  @Test
  void ipv4Ranges() {
    IpRange net = IpRange.parse("172.28.0.0/16");
    assertTrue(net.contains("172.28.0.1"));
    assertTrue(net.contains("172.28.255.254"));
    assertFalse(net.contains("172.29.0.1"));
    assertFalse(net.contains("10.0.0.1"));
    assertTrue(IpRange.parse("10.1.2.3/8").contains("10.200.0.9"), "host bits of the network are ignored");
    assertTrue(IpRange.parse("0.0.0.0/0").contains("203.0.113.7"));
    IpRange odd = IpRange.parse("192.168.1.64/27");
    assertTrue(odd.contains("192.168.1.95"));
    assertFalse(odd.contains("192.168.1.96"));
    assertFalse(odd.contains("192.168.1.63"));
  }

  @Test
  void singleAddresses() {
    assertTrue(IpRange.parse("127.0.0.1").contains("127.0.0.1"));
    assertFalse(IpRange.parse("127.0.0.1").contains("127.0.0.2"));
    assertTrue(IpRange.parse("::1").contains("0:0:0:0:0:0:0:1"), "IPv6 compared as addresses, not text");
  }

  @Test
  void ipv6Ranges() {
    IpRange ula = IpRange.parse("fd00:1234::/32");
    assertTrue(ula.contains("fd00:1234:5678::1"));
    assertTrue(ula.contains("[fd00:1234::9]"));
    assertFalse(ula.contains("fd00:1235::1"));
    assertFalse(ula.contains("10.0.0.1"), "an IPv4 address is never in an IPv6 range");
    assertTrue(IpRange.parse("fe80::/10").contains("fe80::1%eth0"));
  }

  @Test
  void ipv4MappedAddressesMatchIpv4Ranges() {
    assertTrue(IpRange.parse("10.0.0.0/8").contains("::ffff:10.1.1.1"));
    assertTrue(IpRange.parse("::ffff:10.0.0.0/104").contains("10.1.1.1"));
  }

  @Test
  void namesAndGarbageAreNeitherParsedNorMatched() {
    for (String bad : List.of("localhost", "10.0.0.0/33", "::/129", "10.0.0.0/x", "1.2.3", "", "10.0.0.0/-1")) {
      assertThrows(IllegalArgumentException.class, () -> IpRange.parse(bad), bad);
    }
    IpRange any = IpRange.parse("0.0.0.0/0");
    assertFalse(any.contains("localhost"));
    assertFalse(any.contains("unknown"));
    assertFalse(any.contains("1.2.3.4.5"));
  }

  @Test
  void clientAddressTrustsEveryConfiguredRange() {
    ClientAddress address = new ClientAddress(List.of("172.28.0.0/16", "fd00::/8", "192.0.2.1"));
    assertTrue(address.trusted("172.28.3.4"));
    assertTrue(address.trusted("fd12::1"));
    assertTrue(address.trusted("192.0.2.1"));
    assertFalse(address.trusted("192.0.2.2"));
  }

  @Test
  void literalsInTheirNormalFormAndNothingElse() {
    assertEquals("203.0.113.9", IpRange.literal("203.0.113.9"));
    assertEquals("2001:db8::1", IpRange.literal("2001:DB8:0:0:0:0:0:1"));
    assertEquals("2001:db8::1", IpRange.literal("[2001:db8::1]"));
    assertEquals("192.0.2.1", IpRange.literal("::ffff:192.0.2.1"), "IPv4-mapped: the IPv4 address");
    for (String not : new String[] {null, "", "unknown", "sync.example.com", "203.0.113.9:443", "[2001:db8::1]:443",
        "fe80::1%eth0", "203.0.113.9 auth-failure ip=198.51.100.1", "203.0.113.9\n", "1.2.3", "x".repeat(100)}) {
      assertNull(IpRange.literal(not), String.valueOf(not));
    }
  }
}
