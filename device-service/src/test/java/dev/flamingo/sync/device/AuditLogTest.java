package dev.flamingo.sync.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit log over the bus: batched writes, the caller's view, pagination, retention. */
class AuditLogTest {
  @RegisterExtension
  static final Fixture f = new Fixture();

  static JsonObject event(String type, Long account, String ip, int seq, Instant at) {
    JsonObject e = new JsonObject()
        .put("event_type", type)
        .put("account_id", account)
        .put("device_id", UUID.randomUUID().toString())
        .put("ip", ip)
        .put("user_agent", "Flamingo/1.0")
        .put("metadata", new JsonObject().put("seq", seq))
        .put("created_at", at.toString());
    if (account == null) {
      e.putNull("account_id");
    }
    return e;
  }

  JsonArray audit(long account, JsonObject query) {
    return f.request(Addresses.DEVICE_AUDIT_LIST, query, account, null).getJsonArray("data");
  }

  /** Publishes and waits until the events are written (the timer flushes every 200 ms in these tests). */
  void publishAll(JsonObject... events) {
    long before = f.verticle.auditBuffer().written();
    for (JsonObject e : events) {
      f.vertx.eventBus().publish(Addresses.EVENT_AUDIT, e);
    }
    Fixture.awaitTrue(() -> f.verticle.auditBuffer().written() >= before + events.length, "audit events written");
  }

  @Test
  void eventsAreStoredInBatchesAndListedNewestFirstPerAccount() {
    long alice = Fixture.newAccount();
    long bob = Fixture.newAccount();
    Instant t0 = Instant.now().minusSeconds(1000).truncatedTo(ChronoUnit.MILLIS);
    JsonObject[] events = new JsonObject[260];
    for (int i = 0; i < 250; i++) {
      events[i] = event(i % 2 == 0 ? "sync.token" : "data.put", alice, "10.0.0." + (i % 200), i, t0.plusSeconds(i));
    }
    for (int i = 0; i < 5; i++) {
      events[250 + i] = event("sync.token", bob, "10.9.9.9", i, t0.plusSeconds(i));
    }
    for (int i = 0; i < 5; i++) {
      events[255 + i] = event("rate_limit.hit", null, "203.0.113.7", i, t0.plusSeconds(i));
    }
    long written = f.verticle.auditBuffer().written();
    publishAll(events);
    assertTrue(f.verticle.auditBuffer().written() - written >= 260);

    JsonArray page = audit(alice, new JsonObject());
    assertEquals(50, page.size(), "default limit");
    JsonObject newest = page.getJsonObject(0);
    for (String field : new String[] {"id", "event_type", "ip_address", "metadata", "created_at"}) {
      assertTrue(newest.containsKey(field), field + " in " + newest);
    }
    assertEquals(249, newest.getJsonObject("metadata").getInteger("seq"));
    assertEquals("data.put", newest.getString("event_type"));
    assertEquals("10.0.0.49", newest.getString("ip_address"));
    assertEquals("Flamingo/1.0", newest.getString("user_agent"));
    assertEquals(t0.plusSeconds(249), Instant.parse(newest.getString("created_at")));
    for (int i = 1; i < page.size(); i++) {
      assertTrue(page.getJsonObject(i - 1).getLong("id") > page.getJsonObject(i).getLong("id"), "newest first");
    }

    // pages through everything with the before cursor, no gaps, no repeats
    Set<Integer> seen = new HashSet<>();
    Long cursor = null;
    int pages = 0;
    while (true) {
      JsonObject q = new JsonObject().put("limit", "70");
      if (cursor != null) {
        q.put("before", cursor.toString());
      }
      JsonArray p = audit(alice, q);
      if (p.isEmpty()) {
        break;
      }
      pages++;
      for (Object o : p) {
        JsonObject e = (JsonObject) o;
        assertTrue(cursor == null || e.getLong("id") < cursor);
        assertTrue(seen.add(e.getJsonObject("metadata").getInteger("seq")));
      }
      cursor = p.getJsonObject(p.size() - 1).getLong("id");
    }
    assertEquals(250, seen.size());
    assertEquals(4, pages);

    assertEquals(200, audit(alice, new JsonObject().put("limit", "1000")).size(), "limit is capped at 200");
    assertEquals(3, audit(alice, new JsonObject().put("limit", 3)).size(), "a JSON number is fine too");
    JsonArray tokens = audit(alice, new JsonObject().put("event_type", "sync.token").put("limit", "200"));
    assertEquals(125, tokens.size());
    tokens.forEach(o -> assertEquals("sync.token", ((JsonObject) o).getString("event_type")));
    assertEquals(0, audit(alice, new JsonObject().put("event_type", "rate_limit.hit")).size());

    JsonArray bobs = audit(bob, new JsonObject().put("limit", "200"));
    assertEquals(5, bobs.size(), "bob sees only his own");
    bobs.forEach(o -> assertEquals("10.9.9.9", ((JsonObject) o).getString("ip_address")));
    assertEquals(0, audit(bob, new JsonObject().put("before", page.getJsonObject(0).getLong("id").toString())
        .put("event_type", "data.put")).size(), "alice's ids are no way into her log");

    assertEquals(5L, f.query("select count(*) from audit_log where account_id is null and event_type = 'rate_limit.hit'")
        .iterator().next().getLong(0), "events without an account are stored");
  }

  @Test
  void badQueriesAre400() {
    long account = Fixture.newAccount();
    for (Object limit : new Object[] {"abc", "0", "-1", "1.5", "99999999999999999999", true, new JsonObject()}) {
      assertTrue(f.failure(400, Addresses.DEVICE_AUDIT_LIST, new JsonObject().put("limit", limit), account, null)
          .startsWith("limit must be"), "limit " + limit);
    }
    for (Object before : new Object[] {"x", "0", "-5", 1.5}) {
      assertTrue(f.failure(400, Addresses.DEVICE_AUDIT_LIST, new JsonObject().put("before", before), account, null)
          .startsWith("before must be"), "before " + before);
    }
    assertEquals("event_type must be a string",
        f.failure(400, Addresses.DEVICE_AUDIT_LIST, new JsonObject().put("event_type", 3), account, null));
    // what the gateway sends when no query parameter is given
    JsonObject none = new JsonObject().putNull("limit").putNull("before").putNull("event_type");
    assertEquals(0, audit(account, none).size());
    assertEquals(0, audit(account, new JsonObject().put("limit", "").put("event_type", "")).size());
  }

  @Test
  void aPublishedEventIsStoredOnceEvenWhenDeliveredTwice() {
    long account = Fixture.newAccount();
    JsonObject withId = event("login.success", account, "10.1.1.1", 1, Instant.now())
        .put("event_id", UUID.randomUUID().toString());
    JsonObject withoutId = event("login.failed", account, "10.1.1.1", 2, Instant.now());
    publishAll(withId, withId.copy(), withoutId, withoutId.copy());
    JsonArray log = audit(account, new JsonObject());
    assertEquals(2, log.size(), log.encode());
  }

  /** IPs answer in their RFC 5952 form, also those recorded in the long form ("0:0:0:0:0:0:0:1") before. */
  @Test
  void ipv6AddressesAnswerInTheirShortForm() {
    long account = Fixture.newAccount();
    Instant t0 = Instant.now().minusSeconds(10).truncatedTo(ChronoUnit.MILLIS);
    publishAll(event("auth.login", account, "0:0:0:0:0:0:0:1", 1, t0),
        event("auth.login", account, "2001:DB8:0:0:0:0:0:1", 2, t0.plusSeconds(1)),
        event("auth.login", account, "10.1.1.1", 3, t0.plusSeconds(2)));
    JsonArray log = audit(account, new JsonObject());
    assertEquals("10.1.1.1", log.getJsonObject(0).getString("ip_address"));
    assertEquals("2001:db8::1", log.getJsonObject(1).getString("ip_address"));
    assertEquals("::1", log.getJsonObject(2).getString("ip_address"), log.encode());
  }

  @Test
  void oddEventsAreStoredSafelyOrIgnored() {
    long account = Fixture.newAccount();
    JsonObject odd = new JsonObject()
        .put("event_type", "sync.rotate")
        .put("account_id", String.valueOf(account))
        .put("device_id", "not-a-uuid")
        .put("ip", 12)
        .put("metadata", "not an object")
        .put("created_at", "yesterday");
    JsonObject noType = new JsonObject().put("account_id", account);
    f.vertx.eventBus().publish(Addresses.EVENT_AUDIT, noType);
    Instant before = Instant.now();
    publishAll(odd);
    JsonArray log = audit(account, new JsonObject());
    assertEquals(1, log.size());
    JsonObject e = log.getJsonObject(0);
    assertEquals("sync.rotate", e.getString("event_type"));
    assertNull(e.getString("ip_address"));
    assertNull(e.getString("device_id"));
    assertEquals(new JsonObject(), e.getJsonObject("metadata"));
    Instant created = Instant.parse(e.getString("created_at"));
    assertTrue(!created.isBefore(before.truncatedTo(ChronoUnit.MILLIS)) && !created.isAfter(Instant.now()),
        created + ": stamped when it was received, after " + before);
  }

  @Test
  void stoppingWritesWhatIsBufferedAndASecondInstanceStoresNothingTwice() {
    long account = Fixture.newAccount();
    String device = f.createDevice(account, "Seen on stop", Instant.now().minusSeconds(600));
    Vertx other = Vertx.vertx();
    try {
      DeviceVerticle second = new DeviceVerticle();
      other.deployVerticle(second, new DeploymentOptions().setConfig(new JsonObject()
          .put(Settings.DB_URL, f.db.url())
          .put(Settings.AUDIT_FLUSH_MS, 600_000)
          .put(Settings.LAST_SEEN_FLUSH_MS, 600_000))).await();
      // the same published event reaches both instances (as two nodes of a cluster would each get it)
      JsonObject event = event("sync.claim", account, "10.2.2.2", 1, Instant.now());
      f.vertx.eventBus().publish(Addresses.EVENT_AUDIT, event);
      other.eventBus().publish(Addresses.EVENT_AUDIT, event);
      Instant seenAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      other.eventBus().publish(Addresses.EVENT_DEVICE_SEEN, new JsonObject().put("device_id", device)
          .put("account_id", account).put("ip", "10.2.2.2").put("seen_at", seenAt.toString()));
      Fixture.awaitTrue(() -> second.lastSeen().received() == 1 && second.auditBuffer().size() == 1,
          "second instance received its copies");
      Fixture.awaitTrue(() -> audit(account, new JsonObject()).size() == 1, "first instance wrote its copy");
      assertEquals(0, second.auditBuffer().written());

      other.undeploy(other.deploymentIDs().iterator().next()).await();
      assertEquals(1, second.auditBuffer().written(), "flushed on stop");
      assertEquals(1, audit(account, new JsonObject()).size(), "stored once");
      assertEquals(seenAt, f.query("select last_seen_at from devices where id = $1", UUID.fromString(device))
          .iterator().next().getOffsetDateTime(0).toInstant(), "last seen flushed on stop");
    } finally {
      other.close().await();
    }
  }

  @Test
  void retentionDeletesOldEventsAndLongRevokedDevices() {
    long account = Fixture.newAccount();
    f.query("insert into audit_log (event_key, event_type, account_id, created_at) values "
        + "(gen_random_uuid(), 'old', $1, now() - interval '100 days'), "
        + "(gen_random_uuid(), 'old', $1, now() - interval '91 days'), "
        + "(gen_random_uuid(), 'recent', $1, now() - interval '89 days')", account);
    UUID longRevoked = UUID.randomUUID();
    UUID recentlyRevoked = UUID.randomUUID();
    UUID live = UUID.randomUUID();
    f.query("insert into devices (id, account_id, name, device_type, created_at, revoked_at) values "
        + "($1, $4, 'a', 'desktop', now() - interval '60 days', now() - interval '31 days'), "
        + "($2, $4, 'b', 'desktop', now() - interval '60 days', now() - interval '10 days'), "
        + "($3, $4, 'c', 'desktop', now() - interval '60 days', null)", longRevoked, recentlyRevoked, live, account);

    JsonObject result = f.verticle.cleanupNow().await();
    assertTrue(result.getInteger("audit_deleted") >= 2, result.encode());
    assertTrue(result.getInteger("devices_deleted") >= 1, result.encode());

    JsonArray left = audit(account, new JsonObject());
    assertEquals(1, left.size());
    assertEquals("recent", left.getJsonObject(0).getString("event_type"));
    assertEquals(2L, f.query("select count(*) from devices where account_id = $1", account)
        .iterator().next().getLong(0));
    assertEquals(0L, f.query("select count(*) from devices where id = $1", longRevoked).iterator().next().getLong(0));
  }
}
