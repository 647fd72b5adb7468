package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.account.HashingGate;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A claim checks the account's password (one Argon2id run), so wrong passwords on {@code POST /api/sync/claim}
 * are limited like failed sign-ins: per client address and per signed-in account, 429 with Retry-After and the
 * envelope; right passwords do not count. And the server's Argon2id runs are bounded: with every place of the
 * hashing gate taken, a sign-in is 503 with Retry-After, and works again once one frees.
 *
 * <p>The windows are 10^9 s long (the fixed windows start at multiples of that since 1970: the next in 2033), so no
 * window ends during the test.
 */
class ClaimLimitsTest {
  static final String ORIGIN = "http://flamingo.test";
  static final String WINDOW = "/1000000000";
  static final int PER_CLIENT = 3;
  static final int PER_ACCOUNT = 5;

  static OneBoxServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = OneBoxServer.start(new JsonObject().put(Settings.PUBLIC_URL, ORIGIN)
        .put(Settings.TRUSTED_PROXIES, "127.0.0.0/8, ::1/128") // the test client plays a proxy for many clients
        .put(Settings.RATE_LIMIT_CLAIM, PER_CLIENT + WINDOW)
        .put(Settings.RATE_LIMIT_CLAIM_ACCOUNT, PER_ACCOUNT + WINDOW)
        .put(Settings.HASHING_CONCURRENCY, 1).put(Settings.HASHING_QUEUE, 0));
    api = server.api();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String init() {
    Response init = api.post("/api/sync/init", null, new JsonObject().put("device_name", "Laptop").put("device_type", "desktop"));
    assertEquals(200, init.status, init.toString());
    return init.data().getString("temp_token");
  }

  static Response claim(String cookie, String clientIp, String temp, String password) {
    return api.send(HttpMethod.POST, "/api/sync/claim", null,
        Buffer.buffer(new JsonObject().put("temp_token", temp).put("password", password).encode()),
        Map.of("Cookie", cookie, "Origin", ORIGIN, "Content-Type", "application/json", "X-Forwarded-For", clientIp));
  }

  static void assertWrong(Response r) {
    assertEquals(400, r.status, r.toString());
    assertEquals("The password is wrong", r.error());
  }

  static void assertLimited(Response r) {
    assertEquals(429, r.status, r.toString());
    assertEquals(false, r.body.getBoolean("success"));
    assertNotNull(r.error());
    assertNotNull(r.header("Retry-After"), r.toString());
    assertTrue(Long.parseLong(r.header("Retry-After")) > 0);
  }

  @Test
  void fortyWrongPasswordsOnOneTempTokenFromOneClientAreStoppedAfterTheLimit() {
    String cookie = Pairing.register(api, "claim-guess@example.com");
    String temp = init();
    int wrong = 0;
    int limited = 0;
    for (int i = 0; i < 40; i++) {
      Response r = claim(cookie, "203.0.113.10", temp, "guess number " + i);
      if (r.status == 429) {
        assertLimited(r);
        limited++;
      } else {
        assertWrong(r);
        wrong++;
      }
    }
    assertEquals(PER_CLIENT, wrong, "only the first " + PER_CLIENT + " guesses reach the password check");
    assertEquals(40 - PER_CLIENT, limited);
    // the right password from that client is refused too (like a sign-in), from another it works
    assertLimited(claim(cookie, "203.0.113.10", temp, Pairing.passwordOf("claim-guess@example.com")));
    Response right = claim(cookie, "203.0.113.11", temp, Pairing.passwordOf("claim-guess@example.com"));
    assertEquals(200, right.status, right.toString());
  }

  @Test
  void wrongPasswordsFromManyClientsAreLimitedPerAccount() {
    String cookie = Pairing.register(api, "claim-spread@example.com");
    String temp = init();
    for (int i = 0; i < PER_ACCOUNT; i++) {
      assertWrong(claim(cookie, "198.51.100." + (20 + i), temp, "spread guess " + i)); // each client under its limit
    }
    assertLimited(claim(cookie, "198.51.100.99", temp, "spread guess from a fresh address"));
    assertLimited(claim(cookie, "198.51.100.98", temp, Pairing.passwordOf("claim-spread@example.com")));

    // another account from that fresh address is not held to this account's limit
    String other = Pairing.register(api, "claim-other@example.com");
    Response fine = claim(other, "198.51.100.99", init(), Pairing.passwordOf("claim-other@example.com"));
    assertEquals(200, fine.status, fine.toString());
  }

  @Test
  void rightPasswordsDoNotCount() {
    String cookie = Pairing.register(api, "claim-right@example.com");
    for (int i = 0; i < PER_ACCOUNT + 2; i++) {
      Response r = claim(cookie, "192.0.2.50", init(), Pairing.passwordOf("claim-right@example.com"));
      assertEquals(200, r.status, r.toString());
    }
  }

  @Test
  void aSignInWhileEveryHashingPlaceIsTakenIs503WithRetryAfterAndWorksOnceFreed() {
    Pairing.register(api, "claim-busy@example.com");
    JsonObject login = new JsonObject().put("email", "claim-busy@example.com")
        .put("password", Pairing.passwordOf("claim-busy@example.com"));
    CountDownLatch hold = new CountDownLatch(1);
    Future<Void> held = HashingGate.of(server.vertx()).run(() -> {
      hold.await();
      return null;
    });
    try {
      Response busy = api.post("/api/auth/login", null, login);
      assertEquals(503, busy.status, busy.toString());
      assertEquals(false, busy.body.getBoolean("success"));
      assertEquals(HashingGate.BUSY, busy.error());
      assertNotNull(busy.header("Retry-After"), busy.toString());
      assertTrue(Long.parseLong(busy.header("Retry-After")) > 0);
    } finally {
      hold.countDown();
    }
    held.await();
    Response ok = api.post("/api/auth/login", null, login);
    assertEquals(200, ok.status, ok.toString());
  }
}
