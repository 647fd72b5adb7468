package dev.flamingo.sync.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class ClientKeyTest {
  @Test
  void ipv6AddressesOfOneSlash64ShareABucket() {
    String a = ClientKey.ipBucket("2001:db8:aa:bb::1");
    assertEquals("2001:db8:aa:bb::/64", a);
    assertEquals(a, ClientKey.ipBucket("2001:db8:aa:bb:ffff:ffff:ffff:fffe"));
    assertEquals(a, ClientKey.ipBucket("2001:0DB8:00aa:00bb:1:2:3:4"));
    assertEquals(a, ClientKey.ipBucket("[2001:db8:aa:bb::9]"));
    assertEquals(a, ClientKey.ipBucket("2001:db8:aa:bb::9%eth0"));
  }

  @Test
  void differentSlash64sDoNot() {
    assertNotEquals(ClientKey.ipBucket("2001:db8:aa:bb::1"), ClientKey.ipBucket("2001:db8:aa:bc::1"));
    assertNotEquals(ClientKey.ipBucket("2001:db8:aa:bb::1"), ClientKey.ipBucket("2001:db9:aa:bb::1"));
  }

  @Test
  void ipv4IsItselfAlsoWhenMappedIntoIpv6() {
    assertEquals("203.0.113.7", ClientKey.ipBucket("203.0.113.7"));
    assertNotEquals(ClientKey.ipBucket("203.0.113.7"), ClientKey.ipBucket("203.0.113.8"));
    assertEquals("203.0.113.7", ClientKey.ipBucket("::ffff:203.0.113.7"));
    assertEquals("203.0.113.7", ClientKey.ipBucket("::ffff:cb00:7107"));
    assertEquals("203.0.113.7", ClientKey.ipBucket("64:ff9b::203.0.113.7"));
  }

  @Test
  void notAnAddressIsItsOwnBucket() {
    assertEquals("unknown", ClientKey.ipBucket(null));
    assertEquals("unknown", ClientKey.ipBucket("unknown"));
    assertEquals("garbage", ClientKey.ipBucket("Garbage"));
  }

  @Test
  void emailsCountCaseAndSpaceInsensitively() {
    assertEquals("victim@example.org", ClientKey.email("  Victim@Example.ORG "));
  }
}
