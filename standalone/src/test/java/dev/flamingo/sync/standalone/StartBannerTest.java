package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.json.JsonObject;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start banner's advice for each case: public URL set or not, addresses or none, loopback-only listening. */
class StartBannerTest {
  static Settings settings(JsonObject extra) {
    return new Settings(new JsonObject().put(Settings.HTTP_PORT, 8080).mergeIn(extra));
  }

  @Test
  void withoutAPublicUrlItNamesThisMachinesAddresses() {
    StartBanner banner = new StartBanner(settings(new JsonObject()), List.of("192.168.1.20", "10.0.0.5"));
    assertEquals("Other machines: set FLAMINGO_PUBLIC_URL=http://192.168.1.20:8080 or http://10.0.0.5:8080"
        + " (login links say http://localhost:8080 until then)", banner.otherMachines());
    assertTrue(banner.lines().get(0).contains("http://localhost:8080 (FLAMINGO_PUBLIC_URL is not set)"));
  }

  /** Issue 26: the banner said "this machine only" while the server listened on every interface. */
  @Test
  void itSaysWhereItListens() {
    List<String> everywhere = new StartBanner(settings(new JsonObject()), List.of("192.168.1.20")).lines();
    assertFalse(String.join("\n", everywhere).contains("this machine only"), everywhere.toString());
    assertTrue(everywhere.contains("Listening on every interface (0.0.0.0), port 8080 (FLAMINGO_HTTP_HOST):"
        + " other machines can connect"), everywhere.toString());
    List<String> loopback = new StartBanner(settings(new JsonObject().put(Settings.HTTP_HOST, "127.0.0.1")),
        List.of("192.168.1.20")).lines();
    assertTrue(loopback.contains("Listening on loopback only (127.0.0.1), port 8080 (FLAMINGO_HTTP_HOST):"
        + " other machines cannot connect"), loopback.toString());
  }

  @Test
  void itSaysWhetherSignUpsAreOpen() {
    assertTrue(new StartBanner(settings(new JsonObject()), List.of()).lines()
        .contains("Sign-ups: open: anyone who reaches the server can create an account (FLAMINGO_SIGNUP_MODE, or the admin page)"));
    assertTrue(new StartBanner(settings(new JsonObject().put(Settings.SIGNUP_MODE, "invite-only")), List.of()).lines()
        .contains("Sign-ups: invite-only: an account needs an invite link from an admin"));
    assertTrue(new StartBanner(settings(new JsonObject().put(Settings.SIGNUPS_ALLOWED, false)), List.of()).lines()
        .contains("Sign-ups: closed: no new accounts"));
  }

  @Test
  void withoutAnAdminItGivesTheCommandThatMakesTheFirst() {
    Settings settings = settings(new JsonObject().put(Settings.PUBLIC_URL, "https://sync.example.com"));
    List<String> none = new StartBanner(settings, List.of(), "open", 0L).lines();
    assertTrue(none.contains("No admin yet: sign up at https://sync.example.com/login, then run:"
        + " bin/standalone admin grant EMAIL"), none.toString());
    List<String> unknown = new StartBanner(settings, List.of()).lines();
    assertTrue(unknown.contains("If you have no admin yet: sign up at https://sync.example.com/login, then run:"
        + " bin/standalone admin grant EMAIL"), unknown.toString());
    List<String> closed = new StartBanner(settings, List.of(), "closed", 0L).lines();
    assertTrue(closed.contains("No admin yet: start once with FLAMINGO_SIGNUP_MODE=open (sign-ups are closed), sign up at"
        + " https://sync.example.com/login, then run: bin/standalone admin grant EMAIL"), closed.toString());
    List<String> one = new StartBanner(settings, List.of(), "open", 1L).lines();
    assertFalse(String.join("\n", one).contains("admin grant"), one.toString());
  }

  @Test
  void withAPublicUrlItIsTheUrlForTheApp() {
    StartBanner banner = new StartBanner(settings(new JsonObject().put(Settings.PUBLIC_URL, "https://sync.example.com/")),
        List.of("192.168.1.20"));
    assertNull(banner.otherMachines());
    assertEquals(List.of(), banner.otherMachineUrls());
    assertTrue(banner.lines().contains("In the Flamingo app, set the sync server URL to https://sync.example.com"),
        banner.lines().toString());
  }

  @Test
  void withoutAddressesOrOnLoopbackItSaysSo() {
    assertTrue(new StartBanner(settings(new JsonObject()), List.of()).otherMachines()
        .startsWith("Other machines: this machine has no network address but loopback; set FLAMINGO_PUBLIC_URL"));
    StartBanner loopback = new StartBanner(settings(new JsonObject().put(Settings.HTTP_HOST, "127.0.0.1")),
        List.of("192.168.1.20"));
    assertEquals(List.of(), loopback.otherMachineUrls());
    assertTrue(loopback.otherMachines().contains("listens on 127.0.0.1 only (FLAMINGO_HTTP_HOST)"), loopback.otherMachines());
  }

  @Test
  void ipv6AddressesAreWrittenShort() throws Exception {
    assertEquals("fd00::2", StartBanner.compressed((Inet6Address) InetAddress.getByName("fd00:0:0:0:0:0:0:2")));
    assertEquals("2001:db8:0:1::1", StartBanner.compressed((Inet6Address) InetAddress.getByName("2001:db8:0:1:0:0:0:1")));
    assertEquals("2001:db8:1:2:3:4:5:6", StartBanner.compressed((Inet6Address) InetAddress.getByName("2001:db8:1:2:3:4:5:6")));
    assertEquals("::1", StartBanner.compressed((Inet6Address) InetAddress.getByName("::1")));
  }
}
