package dev.flamingo.sync.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DEVICE_EVENTS_DELIVER (the producers' outbox relays): the reply comes only once the event is stored, and
 * redeliveries (at least once) and the old published copies change nothing.
 */
class DeliveredEventsTest {
  @RegisterExtension
  static final Fixture f = new Fixture();

  private static JsonObject deliver(UUID eventId, String topic, JsonObject payload) {
    JsonObject body = new JsonObject().put("event_id", eventId.toString()).put("topic", topic).put("payload", payload);
    return f.request(Addresses.DEVICE_EVENTS_DELIVER, body, 0, null).getJsonObject("data");
  }

  private static long count(String sql, Object... params) {
    return f.query(sql, params).iterator().next().getLong(0);
  }

  @Test
  void anAuditEventIsStoredWhenTheReplyComesAndOnlyOnce() {
    long account = Fixture.newAccount();
    UUID id = UUID.randomUUID();
    JsonObject event = new JsonObject().put("event_id", id.toString()).put("event_type", "auth.login")
        .put("account_id", account).put("ip", "192.0.2.1").put("user_agent", "ua").put("metadata", new JsonObject())
        .put("created_at", Instant.now().toString());
    assertTrue(deliver(id, Addresses.EVENT_AUDIT, event).getBoolean("stored"));
    // no flush: the reply means stored
    assertEquals(1, count("select count(*) from audit_log where event_key = $1", id));

    deliver(id, Addresses.EVENT_AUDIT, event);
    f.vertx.eventBus().publish(Addresses.EVENT_AUDIT, event); // the old published copy of the same event
    f.flushNow();
    assertEquals(1, count("select count(*) from audit_log where event_key = $1", id));
    assertEquals(1, count("select count(*) from audit_log where account_id = $1", account));
  }

  @Test
  void deviceEventsAreAppliedOncePerEventId() {
    long account = Fixture.newAccount();
    String device = UUID.randomUUID().toString();
    UUID created = UUID.randomUUID();
    JsonObject session = Fixture.sessionCreated(account, device, "Laptop", Instant.now());
    deliver(created, Addresses.EVENT_SESSION_CREATED, session);
    assertTrue(f.devices(account, null).encode().contains(device), "listed once the reply came");

    UUID revoked = UUID.randomUUID();
    JsonObject signedOut = new JsonObject().put("session_ids", new JsonArray().add(UUID.randomUUID().toString()))
        .put("device_ids", new JsonArray().add(device)).put("account_id", account).put("reason", "revoked");
    deliver(revoked, Addresses.EVENT_SESSION_REVOKED, signedOut);
    assertEquals(0, f.devices(account, null).size(), "signed out once the reply came");

    // the relay redelivers both (its acknowledgement was lost): nothing changes, nothing is applied twice
    f.query("update devices set revoked_at = revoked_at - interval '1 minute' where id = $1::uuid", device);
    long revokedAt = count("select extract(epoch from revoked_at)::bigint from devices where id = $1::uuid", device);
    deliver(created, Addresses.EVENT_SESSION_CREATED, session);
    deliver(revoked, Addresses.EVENT_SESSION_REVOKED, signedOut);
    assertEquals(0, f.devices(account, null).size());
    assertEquals(revokedAt, count("select extract(epoch from revoked_at)::bigint from devices where id = $1::uuid", device));
    assertEquals(2, count("select count(*) from delivered_events where event_id = any($1)",
        (Object) new UUID[] {created, revoked}));
    assertEquals(1, count("select count(*) from devices where account_id = $1", account));
  }

  @Test
  void whatCanNeverBeAppliedIsAcknowledgedSoItCannotBlockAnOutbox() {
    UUID id = UUID.randomUUID();
    assertFalse(deliver(id, "flamingo.events.unknown", new JsonObject()).getBoolean("stored"));
    JsonObject noId = new JsonObject().put("topic", Addresses.EVENT_AUDIT).put("payload", new JsonObject());
    assertFalse(f.request(Addresses.DEVICE_EVENTS_DELIVER, noId, 0, null).getJsonObject("data").getBoolean("stored"));
  }
}
