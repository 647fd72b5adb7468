package dev.flamingo.sync.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Devices over the bus: created from session events, listed, renamed, revoked; last seen. */
class DeviceServiceTest {
  @RegisterExtension
  static final Fixture f = new Fixture();

  @BeforeEach
  void authAnswers() {
    f.authMode = Fixture.AuthMode.OK;
    f.authRequests.clear();
  }

  @Test
  void sessionEventCreatesOneDeviceListedNewestFirst() {
    long account = Fixture.newAccount();
    Instant now = Instant.now();
    String older = f.createDevice(account, "Work laptop", now.minusSeconds(120));
    String newer = f.createDevice(account, "Home desktop", now.minusSeconds(60));

    JsonArray list = f.devices(account, older);
    assertEquals(2, list.size(), list.encode());
    JsonObject first = list.getJsonObject(0);
    JsonObject second = list.getJsonObject(1);
    assertEquals(newer, first.getString("id"));
    assertEquals(older, second.getString("id"));
    for (String field : new String[] {"id", "name", "device_type", "is_approved", "is_current", "last_seen_at", "created_at"}) {
      assertTrue(first.containsKey(field), field + " in " + first);
    }
    assertEquals("Home desktop", first.getString("name"));
    assertEquals("desktop", first.getString("device_type"));
    assertEquals(true, first.getBoolean("is_approved"));
    assertEquals(false, first.getBoolean("is_current"));
    assertEquals(true, second.getBoolean("is_current"));
    assertEquals(now.minusSeconds(60).truncatedTo(ChronoUnit.MILLIS),
        Instant.parse(first.getString("created_at")).truncatedTo(ChronoUnit.MILLIS));
    assertNotNull(Instant.parse(first.getString("last_seen_at")));
    assertEquals("active", first.getString("status"));
    assertEquals("192.0.2.10", first.getString("last_ip"));

    // a replay (and a rotated session of the same device) adds nothing and renames nothing, and another
    // account's event naming the same device id cannot take it over. A real barrier: the test holds the
    // device's row lock while the three events arrive, sees all three upserts wait on it in Postgres, lets
    // them go, and waits until none is running any more; only then is "nothing changed" a finding.
    long intruder = Fixture.newAccount();
    SqlConnection lock = f.sql.getConnection().await();
    try {
      Transaction tx = lock.begin().await();
      lock.preparedQuery("select id from devices where id = $1 for update").execute(Tuple.of(UUID.fromString(older))).await();
      f.vertx.eventBus().publish(Addresses.EVENT_SESSION_CREATED,
          Fixture.sessionCreated(account, older, "Replayed name", now.minusSeconds(120)));
      f.vertx.eventBus().publish(Addresses.EVENT_SESSION_CREATED,
          Fixture.sessionCreated(account, older, "Rotated", now));
      f.vertx.eventBus().publish(Addresses.EVENT_SESSION_CREATED,
          Fixture.sessionCreated(intruder, older, "Stolen", now));
      Fixture.awaitTrue(() -> upserts("wait_event_type = 'Lock'") == 3, "the three upserts wait on the device row");
      tx.commit().await();
    } finally {
      lock.close().await();
    }
    Fixture.awaitTrue(() -> upserts("state = 'active'") == 0, "the three upserts are done");
    JsonArray after = f.devices(account, older);
    assertEquals(2, after.size(), after.encode());
    assertEquals("Work laptop", byId(after, older).getString("name"));
    // the rotation was applied (it moved last seen forward), yet renamed nothing
    assertEquals(now.truncatedTo(ChronoUnit.MILLIS),
        Instant.parse(byId(after, older).getString("last_seen_at")).truncatedTo(ChronoUnit.MILLIS));
    assertEquals(1L, f.query("select count(*) from devices where id = $1", UUID.fromString(older))
        .iterator().next().getLong(0));
    assertEquals(0, f.devices(intruder, null).size());
    assertEquals(0, f.devices(Fixture.newAccount(), null).size(), "another account sees nothing");
  }

  /** Device upserts (of session-created events) in this database's backends that match {@code condition}. */
  static long upserts(String condition) {
    return f.query("select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() "
        + "and query ilike '%insert into devices%' and " + condition).iterator().next().getLong(0);
  }

  @Test
  void aDeviceWhoseSessionExpiredIsListedAsExpired() {
    long account = Fixture.newAccount();
    String id = f.createDevice(account, "Old laptop", Instant.now().minusSeconds(100 * 86400L));
    JsonObject listed = f.devices(account, null).getJsonObject(0);
    assertEquals("expired", listed.getString("status"), "created 100 days ago, sessions live 90");
    f.vertx.eventBus().publish(Addresses.EVENT_SESSION_CREATED,
        Fixture.sessionCreated(account, id, "Old laptop", Instant.now()).put("expires_at",
            Instant.now().plusSeconds(86400).toString()));
    Fixture.awaitTrue(() -> "active".equals(f.devices(account, null).getJsonObject(0).getString("status")),
        "a new session of the same device makes it active again");
  }

  @Test
  void badSessionEventsAreIgnored() {
    long account = Fixture.newAccount();
    f.vertx.eventBus().publish(Addresses.EVENT_SESSION_CREATED, new JsonObject().put("account_id", account)
        .put("device_id", "not-a-uuid").put("device_name", "x"));
    f.vertx.eventBus().publish(Addresses.EVENT_SESSION_CREATED, new JsonObject().put("account_id", "x")
        .put("device_id", UUID.randomUUID().toString()));
    f.vertx.eventBus().publish(Addresses.EVENT_SESSION_CREATED, "not an object");
    String ok = f.createDevice(account, "Good", Instant.now());
    assertEquals(1, f.devices(account, ok).size());
  }

  @Test
  void revokeSignsTheSessionsOutThenIsNotFound() {
    long account = Fixture.newAccount();
    String mine = f.createDevice(account, "Mine", Instant.now().minusSeconds(10));
    String other = f.createDevice(account, "Other", Instant.now());

    JsonObject reply = f.request(Addresses.DEVICE_REVOKE, new JsonObject().put("id", other), account, mine);
    assertEquals("Device revoked", reply.getString("message"));
    assertEquals(1, f.authRequests.size());
    JsonObject sent = f.authRequests.get(0);
    assertEquals(account, sent.getLong("account_id"));
    assertEquals(new JsonArray().add(other), sent.getJsonArray("device_ids"));
    assertEquals("device_revoked", sent.getString("reason"));

    JsonArray list = f.devices(account, mine);
    assertEquals(1, list.size());
    assertEquals(mine, list.getJsonObject(0).getString("id"));
    assertEquals("Device not found",
        f.failure(404, Addresses.DEVICE_REVOKE, new JsonObject().put("id", other), account, mine));
    assertEquals(1, f.authRequests.size(), "auth is not asked again");

    // the revocation is audited
    f.flushNow();
    JsonArray audit = f.request(Addresses.DEVICE_AUDIT_LIST, new JsonObject().put("event_type", "device.revoked"),
        account, mine).getJsonArray("data");
    assertEquals(1, audit.size(), audit.encode());
    assertEquals(other, audit.getJsonObject(0).getJsonObject("metadata").getString("device_id"));
    assertEquals("127.0.0.1", audit.getJsonObject(0).getString("ip_address"));
  }

  @Test
  void revokeNeverReachesAnotherAccountsOrMalformedDevices() {
    long alice = Fixture.newAccount();
    long bob = Fixture.newAccount();
    String aliceDevice = f.createDevice(alice, "Alice's", Instant.now());
    String bobDevice = f.createDevice(bob, "Bob's", Instant.now());

    assertEquals("Device not found",
        f.failure(404, Addresses.DEVICE_REVOKE, new JsonObject().put("id", aliceDevice), bob, bobDevice));
    assertEquals("Device not found", f.failure(404, Addresses.DEVICE_REVOKE,
        new JsonObject().put("id", UUID.randomUUID().toString()), bob, bobDevice));
    for (String malformed : new String[] {"not-a-uuid", "", "1-1-1-1-1", "'; drop table devices; --"}) {
      assertEquals("Device not found",
          f.failure(404, Addresses.DEVICE_REVOKE, new JsonObject().put("id", malformed), bob, bobDevice));
    }
    assertEquals("Device not found", f.failure(404, Addresses.DEVICE_REVOKE, new JsonObject(), bob, bobDevice));
    assertTrue(f.failure(400, Addresses.DEVICE_REVOKE, new JsonObject().put("id", 5), bob, bobDevice)
        .contains("id must be a string"));
    assertTrue(f.authRequests.isEmpty());
    assertEquals(1, f.devices(alice, aliceDevice).size(), "alice's device survived");

    ReplyException anonymous = Assertions.assertThrows(ReplyException.class, () ->
        f.vertx.eventBus().request(Addresses.DEVICE_LIST, new JsonObject(),
            RequestContext.anonymous("t", "127.0.0.1", "ua").toDeliveryOptions(5000)).await());
    assertEquals(401, anonymous.failureCode());
  }

  @Test
  void revokeIsUndoneWhenAuthDoesNotConfirm() {
    long account = Fixture.newAccount();
    String mine = f.createDevice(account, "Mine", Instant.now().minusSeconds(10));
    String other = f.createDevice(account, "Other", Instant.now());

    // an auth-service that never answers: AuthTimeoutTest (a fixture of its own with a short timeout)
    f.authMode = Fixture.AuthMode.FAIL;
    assertEquals(503, failureCode(() -> f.request(Addresses.DEVICE_REVOKE, new JsonObject().put("id", other), account, mine)));
    assertEquals(503, failureCode(() -> f.request(Addresses.DEVICE_REVOKE_OTHERS, new JsonObject(), account, mine)));
    assertEquals(2, f.devices(account, mine).size());

    f.authMode = Fixture.AuthMode.OK;
    assertEquals("Device revoked",
        f.request(Addresses.DEVICE_REVOKE, new JsonObject().put("id", other), account, mine).getString("message"));
    assertEquals(1, f.devices(account, mine).size());
  }

  @Test
  void renameValidatesAndIsScopedToTheAccount() {
    long account = Fixture.newAccount();
    String id = f.createDevice(account, "Old", Instant.now());

    JsonObject data = f.request(Addresses.DEVICE_RENAME, new JsonObject().put("id", id).put("name", "  New name  "),
        account, id).getJsonObject("data");
    assertEquals("New name", data.getString("name"));
    assertEquals(id, data.getString("id"));
    assertEquals(true, data.getBoolean("is_current"));
    assertEquals("New name", f.devices(account, id).getJsonObject(0).getString("name"));
    String hundred = "é".repeat(100);
    assertEquals(hundred, f.request(Addresses.DEVICE_RENAME, new JsonObject().put("id", id).put("name", hundred),
        account, id).getJsonObject("data").getString("name"));

    // bidi formatting (right-to-left override, isolates, marks) is refused as at pairing
    for (Object bad : new Object[] {"", "   ", "x".repeat(101), "tab\tname", "Work\u202Epotpal", "a\u2067b\u2069",
        "mark\u200F", "arabic\u061Cmark"}) {
      f.failure(400, Addresses.DEVICE_RENAME, new JsonObject().put("id", id).put("name", bad), account, id);
    }
    // a lone UTF-16 surrogate (JSON's "\\ud800") is no character: refused, not stored as "?"
    assertEquals("name must be valid Unicode text", f.failure(400, Addresses.DEVICE_RENAME,
        new JsonObject().put("id", id).put("name", "Work " + (char) 0xD800), account, id));
    assertEquals(hundred, f.devices(account, id).getJsonObject(0).getString("name"));
    assertEquals("name must be a string",
        f.failure(400, Addresses.DEVICE_RENAME, new JsonObject().put("id", id).put("name", 7), account, id));
    assertEquals("name must be a string", f.failure(400, Addresses.DEVICE_RENAME,
        new JsonObject().put("id", id).put("name", new JsonObject()), account, id));
    assertEquals("name is required", f.failure(400, Addresses.DEVICE_RENAME, new JsonObject().put("id", id), account, id));

    long other = Fixture.newAccount();
    assertEquals("Device not found", f.failure(404, Addresses.DEVICE_RENAME,
        new JsonObject().put("id", id).put("name", "Pwned"), other, null));
    assertEquals("Device not found", f.failure(404, Addresses.DEVICE_RENAME,
        new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "x"), account, id));
    assertEquals("Device not found", f.failure(404, Addresses.DEVICE_RENAME,
        new JsonObject().put("id", "nope").put("name", "x"), account, id));
    assertEquals(hundred, f.devices(account, id).getJsonObject(0).getString("name"));
  }

  @Test
  void revokeOthersKeepsOnlyTheCallingDevice() {
    long account = Fixture.newAccount();
    String mine = f.createDevice(account, "Mine", Instant.now().minusSeconds(30));
    String a = f.createDevice(account, "A", Instant.now().minusSeconds(20));
    String b = f.createDevice(account, "B", Instant.now().minusSeconds(10));
    long neighbour = Fixture.newAccount();
    String theirs = f.createDevice(neighbour, "Theirs", Instant.now());

    JsonObject reply = f.request(Addresses.DEVICE_REVOKE_OTHERS, new JsonObject(), account, mine);
    assertEquals(2, reply.getJsonObject("data").getInteger("revoked"));
    assertEquals("Other devices signed out", reply.getString("message"));
    assertEquals(1, f.authRequests.size());
    assertEquals(Set.of(a, b), Set.copyOf(f.authRequests.get(0).getJsonArray("device_ids").getList()));
    JsonArray left = f.devices(account, mine);
    assertEquals(1, left.size());
    assertEquals(mine, left.getJsonObject(0).getString("id"));
    assertEquals(1, f.devices(neighbour, theirs).size(), "another account is untouched");

    JsonObject again = f.request(Addresses.DEVICE_REVOKE_OTHERS, new JsonObject(), account, mine);
    assertEquals(0, again.getJsonObject("data").getInteger("revoked"));
    assertEquals(1, f.authRequests.size(), "nothing to sign out: auth is not asked");
    // from the dashboard (a browser login, no device): every device goes
    JsonObject all = f.request(Addresses.DEVICE_REVOKE_OTHERS, new JsonObject(), account, null);
    assertEquals(1, all.getJsonObject("data").getInteger("revoked"));
    assertEquals(List.of(mine), f.authRequests.get(1).getJsonArray("device_ids").getList());
    assertEquals(0, f.devices(account, null).size());
  }

  @Test
  void lastSeenIsCoalescedIntoFewStatements() {
    long account = Fixture.newAccount();
    Instant base = Instant.now().minusSeconds(3600).truncatedTo(ChronoUnit.MILLIS);
    String[] ids = new String[3];
    for (int i = 0; i < 3; i++) {
      ids[i] = f.createDevice(account, "D" + i, base.minusSeconds(60));
    }
    f.flushNow();
    long statementsBefore = f.verticle.lastSeen().statements();
    long receivedBefore = f.verticle.lastSeen().received();

    for (int i = 0; i < 500; i++) {
      f.vertx.eventBus().publish(Addresses.EVENT_DEVICE_SEEN, new JsonObject()
          .put("device_id", ids[i % 3])
          .put("account_id", account)
          .put("ip", "198.51.100." + i % 250)
          .put("seen_at", base.plusSeconds(i).toString()));
    }
    Fixture.awaitTrue(() -> f.verticle.lastSeen().received() >= receivedBefore + 500, "500 sightings received");
    f.flushNow();

    long statements = f.verticle.lastSeen().statements() - statementsBefore;
    assertTrue(statements >= 1 && statements <= 3, "flush statements: " + statements);
    for (int d = 0; d < 3; d++) {
      int newest = 499 - (499 - d) % 3; // the last i with i % 3 == d
      Row row = f.query("select last_seen_at, last_ip from devices where id = $1", UUID.fromString(ids[d]))
          .iterator().next();
      assertEquals(base.plusSeconds(newest), row.getOffsetDateTime("last_seen_at").toInstant(), "device " + d);
      assertEquals("198.51.100." + newest % 250, row.getString("last_ip"));
    }
    // an older sighting never moves last_seen_at back
    f.vertx.eventBus().publish(Addresses.EVENT_DEVICE_SEEN, new JsonObject()
        .put("device_id", ids[0]).put("account_id", account).put("ip", "203.0.113.1")
        .put("seen_at", base.toString()));
    Fixture.awaitTrue(() -> f.verticle.lastSeen().received() >= receivedBefore + 501, "sighting received");
    f.flushNow();
    OffsetDateTime last = f.query("select last_seen_at from devices where id = $1", UUID.fromString(ids[0]))
        .iterator().next().getOffsetDateTime(0);
    assertTrue(last.toInstant().isAfter(base.plusSeconds(400)));
    String listed = byId(f.devices(account, ids[0]), ids[0]).getString("last_seen_at");
    assertEquals(last.toInstant(), Instant.parse(listed));
  }

  @Test
  void pingAnswersWhenTheDatabaseDoes() {
    JsonObject reply = f.vertx.eventBus().<JsonObject>request(Addresses.DEVICE_PING, new JsonObject(),
        RequestContext.anonymous("t", "127.0.0.1", "ua").toDeliveryOptions(5000)).await().body();
    assertEquals("UP", reply.getJsonObject("data").getString("status"));
  }

  private static JsonObject byId(JsonArray list, String id) {
    for (Object o : list) {
      JsonObject d = (JsonObject) o;
      if (id.equals(d.getString("id"))) {
        return d;
      }
    }
    return null;
  }

  private static int failureCode(Runnable r) {
    try {
      r.run();
    } catch (ReplyException e) {
      return e.failureCode();
    }
    throw new AssertionError("expected a failure");
  }
}
