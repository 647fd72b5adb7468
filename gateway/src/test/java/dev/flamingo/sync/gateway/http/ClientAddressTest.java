package dev.flamingo.sync.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The peer address as the audit log, the limits and the pages show it: RFC 5952, as the banner writes it. */
class ClientAddressTest {
  @Test
  void aPeerAddressIsInItsShortForm() {
    assertEquals("::1", ClientAddress.shortForm("0:0:0:0:0:0:0:1"), "the IPv6 loopback, as Java names it");
    assertEquals("2001:db8::1", ClientAddress.shortForm("2001:DB8:0:0:0:0:0:1"));
    assertEquals("127.0.0.1", ClientAddress.shortForm("127.0.0.1"));
    assertEquals("unknown", ClientAddress.shortForm("unknown"), "anything else as it is");
  }
}
