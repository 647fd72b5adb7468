package dev.flamingo.sync.auth.deviceflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DeviceFlowTest extends AuthServiceTestBase {
  private static final Pattern TEMP = Pattern.compile("^flm_temp_[0-9a-f]{64}$");
  private static final Pattern SESSION = Pattern.compile("^flm_sync_[0-9a-f]{128}$");
  private static final String INVALID = "Invalid token";
  private static final String EXPIRED = "Token has expired. Restart sync.";
  private static final String NOT_YET = "Token not yet authorized. Complete login first.";
  private static final String REQUIRED = "device_name and device_type are required";

  /** A claim's body (the password too: a browser claim needs it), or any other temp-token request's. */
  private static JsonObject temp(Object token) {
    return new JsonObject().put("temp_token", token).put("password", PASSWORD);
  }

  private static JsonObject device(Object name, Object type) {
    JsonObject body = new JsonObject();
    if (name != null) {
      body.put("device_name", name);
    }
    if (type != null) {
      body.put("device_type", type);
    }
    return body;
  }

  private void expire(String tempToken) {
    assertEquals(1, sql("update auth.temp_tokens set expires_at = now() - interval '1 second' where token_hash = ?",
        Tokens.sha256(tempToken)));
  }

  private JsonObject describe(String tempToken) {
    return data(Addresses.AUTH_SYNC_DESCRIBE, temp(tempToken), anon());
  }

  @Test
  void initIssuesAFiveMinuteTempToken() {
    JsonObject data = data(Addresses.AUTH_SYNC_INIT, device("  MacIntel ", "desktop"), anon());
    String token = data.getString("temp_token");
    assertTrue(TEMP.matcher(token).matches(), token);
    assertEquals(300, data.getInteger("expires_in"));

    assertEquals(1L, count("select count(*) from auth.temp_tokens where token_hash = ? and token_prefix = ?",
        Tokens.sha256(token), token.substring(0, 16)));
    Instant asked = Instant.now();
    JsonObject described = describe(token);
    Instant answered = Instant.now();
    assertEquals("MacIntel", described.getString("device_name"));
    assertEquals("desktop", described.getString("device_type"));
    assertEquals("127.0.0.1", described.getString("client_ip"));
    assertEquals("pending", described.getString("status"));
    long left = described.getLong("expires_in");
    // the seconds left when described, which happened between asked and answered (no bound on how long it took)
    Instant expiresAt = Instant.parse(described.getString("expires_at"));
    assertTrue(left <= 300 && left >= Duration.between(answered, expiresAt).toSeconds()
        && left <= Duration.between(asked, expiresAt).toSeconds(), "expires_in " + left + ", expires_at " + expiresAt);
    Duration ttl = Duration.between(Instant.parse(described.getString("created_at")),
        Instant.parse(described.getString("expires_at")));
    assertTrue(Math.abs(ttl.toSeconds() - 300) <= 1, ttl.toString());

    assertNotEquals(token, init("another"));
  }

  @Test
  void initValidatesTheDevice() {
    assertFails(400, REQUIRED, Addresses.AUTH_SYNC_INIT, device(null, "desktop"), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_SYNC_INIT, device("laptop", null), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_SYNC_INIT, new JsonObject(), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_SYNC_INIT, device("", "desktop"), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_SYNC_INIT, device("   ", "desktop"), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_SYNC_INIT, device("laptop", " \t"), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_SYNC_INIT, device(42, "desktop"), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_SYNC_INIT, device("laptop", 7), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_SYNC_INIT, device(new JsonObject(), "desktop"), anon());
    assertFails(400, REQUIRED, Addresses.AUTH_SYNC_INIT, device(new JsonArray(), "desktop"), anon());
    assertFails(400, "device_name must be at most 100 characters", Addresses.AUTH_SYNC_INIT,
        device("n".repeat(101), "desktop"), anon());
    assertFails(400, "device_type must be at most 100 characters", Addresses.AUTH_SYNC_INIT,
        device("laptop", "t".repeat(101)), anon());
    // 100 characters (after trimming) is fine
    data(Addresses.AUTH_SYNC_INIT, device("  " + "n".repeat(100) + "  ", "desktop"), anon());
  }

  @Test
  void tokenBeforeClaimIsNotYetAuthorized() {
    String temp = init("laptop");
    assertFails(400, NOT_YET, Addresses.AUTH_SYNC_TOKEN, temp(temp), anon());
    // polling does not consume it
    assertFails(400, NOT_YET, Addresses.AUTH_SYNC_TOKEN, temp(temp), anon());
    assertEquals("pending", describe(temp).getString("status"));
  }

  @Test
  void claimOnceThenAlreadyClaimedThenConflictForAnotherAccount() {
    long owner = register().getLong("account_id");
    long other = register().getLong("account_id");
    String temp = init("laptop");

    assertFails(401, "Unauthorized", Addresses.AUTH_SYNC_CLAIM, temp(temp), anon());

    JsonObject first = call(Addresses.AUTH_SYNC_CLAIM, temp(temp), as(owner));
    assertEquals("Token claimed successfully", first.getString("message"));
    assertTrue(first.containsKey("data") && first.getValue("data") == null, first.encode());
    assertEquals("claimed", describe(temp).getString("status"));

    JsonObject again = call(Addresses.AUTH_SYNC_CLAIM, temp(temp), as(owner));
    assertEquals("Token already claimed", again.getString("message"));
    assertNull(again.getValue("data"));

    assertFails(409, "Token was claimed by another account", Addresses.AUTH_SYNC_CLAIM, temp(temp), as(other));
    assertEquals(owner, count("select claimed_by from auth.temp_tokens where token_hash = ?", Tokens.sha256(temp)));
  }

  @Test
  void tokenIssuesOneSessionWithDefaultsAndAnnouncesIt() {
    long account = register().getLong("account_id");
    String temp = init("Work laptop");
    claim(account, temp);

    Instant before = Instant.now();
    JsonObject data = data(Addresses.AUTH_SYNC_TOKEN, temp(temp), anon());
    Instant after = Instant.now();
    String token = data.getString("session_token");
    assertTrue(SESSION.matcher(token).matches(), token);
    assertEquals(token.substring(0, 16), data.getString("token_prefix"));
    Instant expires = Instant.parse(data.getString("expires_at"));
    // 90 days from the exchange, which happened between before and after (no bound on how long it took)
    assertTrue(!expires.isBefore(before.plus(Duration.ofDays(90)).truncatedTo(ChronoUnit.MILLIS))
        && !expires.isAfter(after.plus(Duration.ofDays(90))), expires + " not 90 days after " + before + " .. " + after);
    assertEquals(Boolean.TRUE, data.getBoolean("is_new_device"));
    JsonObject config = data.getJsonObject("sync_config");
    assertEquals(Set.of("sync_history", "sync_environments", "sync_secrets", "sync_collections", "sync_settings"),
        config.fieldNames());
    config.forEach(e -> assertEquals(Boolean.TRUE, e.getValue(), e.getKey()));
    assertEquals(5, data.size(), data.encode());

    JsonObject session = validate(token);
    assertEquals(account, session.getLong("account_id"));
    JsonObject created = awaitEvent(Addresses.EVENT_SESSION_CREATED,
        e -> session.getString("session_id").equals(e.getString("session_id")));
    assertEquals(session.getString("device_id"), created.getString("device_id"));
    assertEquals(data.getString("expires_at"), created.getString("expires_at"));
    assertEquals(account, created.getLong("account_id"));
    assertEquals("Work laptop", created.getString("device_name"));
    assertEquals("desktop", created.getString("device_type"));
    assertEquals("127.0.0.1", created.getString("ip"));

    // exactly once
    assertFails(400, INVALID, Addresses.AUTH_SYNC_TOKEN, temp(temp), anon());
    assertEquals("used", describe(temp).getString("status"));
    assertFails(400, INVALID, Addresses.AUTH_SYNC_CLAIM, temp(temp), as(account));
    assertEquals(1L, count("select count(*) from auth.sessions where account_id = ?", account));
  }

  @Test
  void syncConfigComesFromDataServiceAskedAsTheNewDevice() {
    long account = register().getLong("account_id");
    List<MultiMap> asked = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> dataService = vertx.eventBus().consumer(Addresses.DATA_CONFIG_GET, m -> {
      asked.add(m.headers());
      m.reply(new JsonObject().put("data", new JsonObject().put("sync_history", false).put("sync_environments", true)
          .put("sync_secrets", false).put("sync_collections", true).put("sync_settings", true)));
    });
    dataService.completion().await();
    JsonObject data;
    try {
      data = pairToken(account, "configured");
    } finally {
      dataService.unregister().await();
    }
    assertEquals(new JsonObject().put("sync_history", false).put("sync_environments", true).put("sync_secrets", false)
        .put("sync_collections", true).put("sync_settings", true), data.getJsonObject("sync_config"));
    JsonObject session = validate(data.getString("session_token"));
    assertEquals(1, asked.size());
    MultiMap h = asked.get(0);
    assertEquals(String.valueOf(account), h.get(RequestContext.H_ACCOUNT));
    assertEquals(session.getString("session_id"), h.get(RequestContext.H_SESSION));
    assertEquals(session.getString("device_id"), h.get(RequestContext.H_DEVICE));
  }

  @Test
  void aFailingDataServiceFallsBackToTheDefaultConfig() {
    long account = register().getLong("account_id");
    MessageConsumer<JsonObject> broken = vertx.eventBus().consumer(Addresses.DATA_CONFIG_GET, m -> m.fail(500, "boom"));
    broken.completion().await();
    JsonObject data;
    try {
      data = pairToken(account, "fallback");
    } finally {
      broken.unregister().await();
    }
    JsonObject config = data.getJsonObject("sync_config");
    assertEquals(5, config.size(), config.encode());
    config.forEach(e -> assertEquals(Boolean.TRUE, e.getValue(), e.getKey()));
    validate(data.getString("session_token"));
  }

  @Test
  void unknownMalformedAndMistypedTokensAreInvalid() {
    long account = register().getLong("account_id");
    String unknown = Tokens.newTempToken();
    List<JsonObject> bodies = List.of(
        temp(unknown),
        temp("garbage"),
        temp(""),
        temp("flm_temp_" + "A".repeat(64)),
        temp("flm_temp_" + "0".repeat(63)),
        temp("flm_sync_" + "0".repeat(64)),
        temp(Tokens.newSessionToken()),
        temp(12345),
        temp(true),
        temp(new JsonObject()),
        new JsonObject());
    for (JsonObject body : bodies) {
      assertFails(400, INVALID, Addresses.AUTH_SYNC_TOKEN, body, anon());
      assertFails(400, INVALID, Addresses.AUTH_SYNC_CLAIM, body, as(account));
      assertFails(400, INVALID, Addresses.AUTH_SYNC_DENY, body, as(account));
    }
    assertFails(404, "Unknown sign-in request", Addresses.AUTH_SYNC_DESCRIBE, temp(unknown), anon());
    assertFails(400, INVALID, Addresses.AUTH_SYNC_DESCRIBE, temp("garbage"), anon());
    assertFails(400, INVALID, Addresses.AUTH_SYNC_DESCRIBE, temp(5), anon());
  }

  @Test
  void expiredTokensCannotBeClaimedOrExchanged() {
    long account = register().getLong("account_id");

    String pending = init("pending");
    expire(pending);
    assertFails(400, EXPIRED, Addresses.AUTH_SYNC_CLAIM, temp(pending), as(account));
    assertFails(400, EXPIRED, Addresses.AUTH_SYNC_TOKEN, temp(pending), anon());
    assertEquals("expired", describe(pending).getString("status"));
    assertEquals(0L, describe(pending).getLong("expires_in"));

    String claimed = init("claimed");
    claim(account, claimed);
    expire(claimed);
    assertFails(400, EXPIRED, Addresses.AUTH_SYNC_TOKEN, temp(claimed), anon());
    assertFails(400, EXPIRED, Addresses.AUTH_SYNC_CLAIM, temp(claimed), as(account));
    assertEquals("expired", describe(claimed).getString("status"));
    assertFails(400, INVALID, Addresses.AUTH_SYNC_DENY, temp(claimed), as(account));
    assertEquals(0L, count("select count(*) from auth.sessions where account_id = ?", account));
  }

  @Test
  void describeReportsEveryStatus() {
    long account = register().getLong("account_id");

    String t = init("status laptop");
    JsonObject pending = describe(t);
    assertEquals("pending", pending.getString("status"));
    assertEquals("status laptop", pending.getString("device_name"));
    assertEquals("desktop", pending.getString("device_type"));
    assertEquals("127.0.0.1", pending.getString("client_ip"));
    Instant.parse(pending.getString("created_at"));
    Instant.parse(pending.getString("expires_at"));
    assertEquals(Set.of("device_name", "device_type", "client_ip", "created_at", "expires_at", "expires_in", "status"),
        pending.fieldNames());

    claim(account, t);
    assertEquals("claimed", describe(t).getString("status"));
    data(Addresses.AUTH_SYNC_TOKEN, temp(t), anon());
    assertEquals("used", describe(t).getString("status"));

    String e = init("expiring");
    expire(e);
    assertEquals("expired", describe(e).getString("status"));

    String d = init("denied");
    call(Addresses.AUTH_SYNC_DENY, temp(d), as(account));
    assertEquals("denied", describe(d).getString("status"));
  }

  @Test
  void denyMakesTheNextPollInvalid() {
    long account = register().getLong("account_id");
    long other = register().getLong("account_id");

    String pending = init("suspicious");
    assertFails(401, "Unauthorized", Addresses.AUTH_SYNC_DENY, temp(pending), anon());
    JsonObject reply = call(Addresses.AUTH_SYNC_DENY, temp(pending), as(account));
    assertEquals("Request denied", reply.getString("message"));
    assertFails(400, INVALID, Addresses.AUTH_SYNC_TOKEN, temp(pending), anon());
    assertFails(400, INVALID, Addresses.AUTH_SYNC_CLAIM, temp(pending), as(account));
    assertFails(400, INVALID, Addresses.AUTH_SYNC_DENY, temp(pending), as(account));

    // a claimed token can be denied by its claimer, not by another account
    String claimed = init("claimed then denied");
    claim(account, claimed);
    assertFails(400, INVALID, Addresses.AUTH_SYNC_DENY, temp(claimed), as(other));
    assertEquals("claimed", describe(claimed).getString("status"));
    assertEquals("Request denied", call(Addresses.AUTH_SYNC_DENY, temp(claimed), as(account)).getString("message"));
    assertFails(400, INVALID, Addresses.AUTH_SYNC_TOKEN, temp(claimed), anon());

    // a used token cannot be denied
    String used = init("used");
    claim(account, used);
    data(Addresses.AUTH_SYNC_TOKEN, temp(used), anon());
    assertFails(400, INVALID, Addresses.AUTH_SYNC_DENY, temp(used), as(account));
    assertEquals("used", describe(used).getString("status"));
    assertEquals(1L, count("select count(*) from auth.sessions where account_id = ?", account));
  }

  @Test
  void concurrentExchangesYieldExactlyOneSession() {
    long account = register().getLong("account_id");
    String temp = init("racy");
    claim(account, temp);

    List<Future<Message<JsonObject>>> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(send(Addresses.AUTH_SYNC_TOKEN, temp(temp), anon()));
    }
    try {
      Future.join(all).await();
    } catch (RuntimeException expected) {
      // some of them fail; inspected below
    }
    int ok = 0;
    for (Future<Message<JsonObject>> f : all) {
      assertTrue(f.isComplete());
      if (f.succeeded()) {
        ok++;
        assertTrue(SESSION.matcher(f.result().body().getJsonObject("data").getString("session_token")).matches());
      } else {
        ServiceException e = Failures.fromThrowable(f.cause());
        assertEquals("400 " + INVALID, e.status() + " " + e.getMessage());
      }
    }
    assertEquals(1, ok);
    assertEquals(1L, count("select count(*) from auth.sessions where account_id = ?", account));
  }

  @Test
  void concurrentClaimsByTwoAccountsHaveOneWinner() {
    long a = register().getLong("account_id");
    long b = register().getLong("account_id");
    String temp = init("contested");
    List<Future<Message<JsonObject>>> all = List.of(
        send(Addresses.AUTH_SYNC_CLAIM, temp(temp), as(a)),
        send(Addresses.AUTH_SYNC_CLAIM, temp(temp), as(b)));
    try {
      Future.join(all).await();
    } catch (RuntimeException expected) {
      // the loser fails
    }
    assertEquals(1, all.stream().filter(Future::succeeded).count());
    Future<Message<JsonObject>> loser = all.stream().filter(Future::failed).findFirst().orElseThrow();
    ServiceException e = Failures.fromThrowable(loser.cause());
    assertEquals("409 Token was claimed by another account", e.status() + " " + e.getMessage());
    assertEquals("Token claimed successfully",
        all.stream().filter(Future::succeeded).findFirst().orElseThrow().result().body().getString("message"));
  }
}
