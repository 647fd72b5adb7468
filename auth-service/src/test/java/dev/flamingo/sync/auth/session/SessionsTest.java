package dev.flamingo.sync.auth.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SessionsTest extends AuthServiceTestBase {
  private static final Pattern SESSION = Pattern.compile("^flm_sync_[0-9a-f]{128}$");

  private static JsonObject revokeDevices(long account, Object... devices) {
    return new JsonObject().put("account_id", account).put("device_ids", new JsonArray(List.of(devices)));
  }

  @Test
  void validateDescribesTheSession() {
    long account = register().getLong("account_id");
    JsonObject issued = pairToken(account, "laptop");
    JsonObject v = validate(issued.getString("session_token"));
    assertEquals(Set.of("account_id", "session_id", "device_id", "expires_at"), v.fieldNames());
    assertEquals(account, v.getLong("account_id"));
    UUID.fromString(v.getString("session_id"));
    UUID.fromString(v.getString("device_id"));
    assertEquals(Instant.parse(issued.getString("expires_at")), Instant.parse(v.getString("expires_at")));
  }

  @Test
  void validateRefusesAnythingElse() {
    assertSessionRefused(Tokens.newSessionToken());
    assertSessionRefused("garbage");
    assertSessionRefused("");
    assertSessionRefused("flm_sync_" + "A".repeat(128));
    assertSessionRefused(Tokens.newTempToken());
    assertFails(401, "Unauthorized", Addresses.AUTH_SESSION_VALIDATE, new JsonObject(), anon());
    assertFails(401, "Unauthorized", Addresses.AUTH_SESSION_VALIDATE, new JsonObject().put("session_token", 42), anon());
    assertFails(401, "Unauthorized", Addresses.AUTH_SESSION_VALIDATE,
        new JsonObject().put("session_token", new JsonArray()), anon());

    // an expired session is refused too
    Paired p = pair(register().getLong("account_id"), "old");
    sql("update auth.sessions set expires_at = now() - interval '1 second' where id = ?::uuid", p.sessionId());
    assertSessionRefused(p.token());
  }

  @Test
  void rotateReplacesTheTokenForTheSameDevice() {
    long account = register().getLong("account_id");
    Paired p = pair(account, "laptop");

    Instant before = Instant.now();
    JsonObject rotated = data(Addresses.AUTH_SESSION_ROTATE, new JsonObject(), asSession(p.session()));
    Instant after = Instant.now();
    assertEquals(Set.of("session_token", "token_prefix", "expires_at"), rotated.fieldNames());
    String fresh = rotated.getString("session_token");
    assertTrue(SESSION.matcher(fresh).matches(), fresh);
    assertNotEquals(p.token(), fresh);
    assertEquals(fresh.substring(0, 16), rotated.getString("token_prefix"));
    Instant expires = Instant.parse(rotated.getString("expires_at"));
    // 90 days from the rotation, which happened between before and after (no bound on how long it took)
    assertTrue(!expires.isBefore(before.plus(Duration.ofDays(90)).truncatedTo(ChronoUnit.MILLIS))
        && !expires.isAfter(after.plus(Duration.ofDays(90))), expires + " not 90 days after " + before + " .. " + after);

    assertSessionRefused(p.token());
    JsonObject v = validate(fresh);
    assertEquals(p.deviceId(), v.getString("device_id"));
    assertEquals(account, v.getLong("account_id"));
    assertNotEquals(p.sessionId(), v.getString("session_id"));

    JsonObject revoked = awaitEvent(Addresses.EVENT_SESSION_REVOKED, revokedSession(p.sessionId()));
    assertEquals("rotated", revoked.getString("reason"));
    assertEquals(account, revoked.getLong("account_id"));
    awaitEvent(Addresses.EVENT_SESSION_CREATED, e -> v.getString("session_id").equals(e.getString("session_id"))
        && p.deviceId().equals(e.getString("device_id")));
    assertEquals(v.getString("session_id"),
        scalar("select replaced_by::text from auth.sessions where id = ?::uuid", p.sessionId()));

    // the retired session cannot rotate or revoke again
    assertFails(401, "Unauthorized", Addresses.AUTH_SESSION_ROTATE, new JsonObject(), asSession(p.session()));
    assertFails(401, "Unauthorized", Addresses.AUTH_SESSION_REVOKE, new JsonObject(), asSession(p.session()));
    validate(fresh);
  }

  @Test
  void rotateAndRevokeNeedAValidSessionInContext() {
    long account = register().getLong("account_id");
    for (String address : List.of(Addresses.AUTH_SESSION_ROTATE, Addresses.AUTH_SESSION_REVOKE)) {
      assertFails(401, "Unauthorized", address, new JsonObject(), anon());
      assertFails(401, "Unauthorized", address, new JsonObject(), as(account));
      assertFails(401, "Unauthorized", address, new JsonObject(), anon().withAccount(account, "not-a-uuid", null));
      assertFails(401, "Unauthorized", address, new JsonObject(),
          anon().withAccount(account, UUID.randomUUID().toString(), UUID.randomUUID().toString()));
    }
  }

  @Test
  void concurrentRotationsOfOneSessionHaveOneWinner() {
    long account = register().getLong("account_id");
    Paired p = pair(account, "racy");
    RequestContext ctx = asSession(p.session());
    List<Future<Message<JsonObject>>> both = List.of(
        send(Addresses.AUTH_SESSION_ROTATE, new JsonObject(), ctx),
        send(Addresses.AUTH_SESSION_ROTATE, new JsonObject(), ctx));
    try {
      Future.join(both).await();
    } catch (RuntimeException expected) {
      // the loser fails
    }
    assertEquals(1, both.stream().filter(Future::succeeded).count());
    ServiceException loser = Failures.fromThrowable(both.stream().filter(Future::failed).findFirst().orElseThrow().cause());
    assertEquals("401 Unauthorized", loser.status() + " " + loser.getMessage());
    String winner = both.stream().filter(Future::succeeded).findFirst().orElseThrow()
        .result().body().getJsonObject("data").getString("session_token");
    assertEquals(p.deviceId(), validate(winner).getString("device_id"));
    assertSessionRefused(p.token());
    assertEquals(1L, count("select count(*) from auth.sessions where account_id = ? and revoked_at is null", account));
    assertEquals(2L, count("select count(*) from auth.sessions where account_id = ?", account));
  }

  @Test
  void revokeEndsOnlyTheCallingSession() {
    long account = register().getLong("account_id");
    Paired laptop = pair(account, "laptop");
    Paired desktop = pair(account, "desktop");

    JsonObject reply = call(Addresses.AUTH_SESSION_REVOKE, new JsonObject(), asSession(laptop.session()));
    assertEquals("Session revoked", reply.getString("message"));
    assertSessionRefused(laptop.token());
    assertEquals(desktop.sessionId(), validate(desktop.token()).getString("session_id"));

    JsonObject event = awaitEvent(Addresses.EVENT_SESSION_REVOKED, revokedSession(laptop.sessionId()));
    assertEquals(new JsonArray().add(laptop.sessionId()), event.getJsonArray("session_ids"));
    assertEquals(account, event.getLong("account_id"));
    assertEquals("revoked", event.getString("reason"));

    assertFails(401, "Unauthorized", Addresses.AUTH_SESSION_REVOKE, new JsonObject(), asSession(laptop.session()));
    validate(desktop.token());
  }

  @Test
  void revokeDevicesEndsThatDevicesSessionsOnly() {
    long account = register().getLong("account_id");
    long other = register().getLong("account_id");
    Paired laptop = pair(account, "laptop");
    // a rotated device: the live session is the replacement
    String laptopNow = data(Addresses.AUTH_SESSION_ROTATE, new JsonObject(), asSession(laptop.session()))
        .getString("session_token");
    String laptopNowId = validate(laptopNow).getString("session_id");
    Paired desktop = pair(account, "desktop");

    // another account cannot revoke this account's device
    assertEquals(0, data(Addresses.AUTH_SESSION_REVOKE_DEVICES, revokeDevices(other, laptop.deviceId()), anon())
        .getInteger("revoked"));
    validate(laptopNow);

    assertEquals(new JsonObject().put("revoked", 1),
        data(Addresses.AUTH_SESSION_REVOKE_DEVICES, revokeDevices(account, laptop.deviceId()), anon()));
    assertSessionRefused(laptopNow);
    assertEquals(desktop.sessionId(), validate(desktop.token()).getString("session_id"));
    JsonObject event = awaitEvent(Addresses.EVENT_SESSION_REVOKED, revokedSession(laptopNowId));
    assertEquals("device_revoked", event.getString("reason"));
    assertEquals(account, event.getLong("account_id"));

    // again, unknown devices, empty lists: nothing to do
    assertEquals(0, data(Addresses.AUTH_SESSION_REVOKE_DEVICES, revokeDevices(account, laptop.deviceId()), anon())
        .getInteger("revoked"));
    assertEquals(0, data(Addresses.AUTH_SESSION_REVOKE_DEVICES,
        revokeDevices(account, UUID.randomUUID().toString()), anon()).getInteger("revoked"));
    assertEquals(0, data(Addresses.AUTH_SESSION_REVOKE_DEVICES, revokeDevices(account), anon()).getInteger("revoked"));
    validate(desktop.token());

    // a custom reason travels into the row and the event
    JsonObject body = revokeDevices(account, desktop.deviceId()).put("reason", "device_deleted");
    assertEquals(1, data(Addresses.AUTH_SESSION_REVOKE_DEVICES, body, anon()).getInteger("revoked"));
    assertEquals("device_deleted", awaitEvent(Addresses.EVENT_SESSION_REVOKED, revokedSession(desktop.sessionId()))
        .getString("reason"));
    assertEquals("device_deleted",
        scalar("select revoke_reason from auth.sessions where id = ?::uuid", desktop.sessionId()));
  }

  @Test
  void revokeDevicesValidatesItsInput() {
    String required = "account_id and device_ids are required";
    assertFails(400, required, Addresses.AUTH_SESSION_REVOKE_DEVICES, new JsonObject(), anon());
    assertFails(400, required, Addresses.AUTH_SESSION_REVOKE_DEVICES,
        new JsonObject().put("device_ids", new JsonArray()), anon());
    assertFails(400, required, Addresses.AUTH_SESSION_REVOKE_DEVICES,
        new JsonObject().put("account_id", "1").put("device_ids", new JsonArray()), anon());
    assertFails(400, required, Addresses.AUTH_SESSION_REVOKE_DEVICES,
        new JsonObject().put("account_id", 1).put("device_ids", UUID.randomUUID().toString()), anon());
    assertFails(400, "device_ids must be UUIDs", Addresses.AUTH_SESSION_REVOKE_DEVICES,
        revokeDevices(1, "not-a-uuid"), anon());
  }

  @Test
  void onlyHashesOfTokensAreStored() throws Exception {
    long account = register().getLong("account_id");
    String temp = init("hashed");
    claim(account, temp);
    String token = data(Addresses.AUTH_SYNC_TOKEN, new JsonObject().put("temp_token", temp), anon())
        .getString("session_token");
    String sessionId = validate(token).getString("session_id");

    byte[] hash = (byte[]) scalar("select token_hash from auth.sessions where id = ?::uuid", sessionId);
    assertEquals(32, hash.length);
    assertArrayEquals(MessageDigest.getInstance("SHA-256")
        .digest(token.getBytes(StandardCharsets.UTF_8)), hash);
    assertEquals(token.substring(0, 16), scalar("select token_prefix from auth.sessions where id = ?::uuid", sessionId));
    byte[] tempHash = (byte[]) scalar("select token_hash from auth.temp_tokens where token_prefix = ?",
        temp.substring(0, 16));
    assertArrayEquals(Tokens.sha256(temp), tempHash);

    // no column of any auth table holds either token, or their random part, in any form
    List<String> secrets = List.of(token, token.substring(9), temp, temp.substring(9));
    try (Connection c = jdbc()) {
      for (String table : List.of("auth.sessions", "auth.temp_tokens", "auth.accounts")) {
        try (PreparedStatement ps = c.prepareStatement("select * from " + table); ResultSet rs = ps.executeQuery()) {
          ResultSetMetaData md = rs.getMetaData();
          int rows = 0;
          while (rs.next()) {
            rows++;
            for (int i = 1; i <= md.getColumnCount(); i++) {
              String value = rs.getString(i);
              if (value == null) {
                continue;
              }
              for (String secret : secrets) {
                assertTrue(!value.contains(secret) && !value.toUpperCase().contains(secret.toUpperCase()),
                    table + "." + md.getColumnName(i) + " contains a token");
              }
            }
          }
          assertTrue(rows > 0, table);
        }
      }
    }
  }
}
