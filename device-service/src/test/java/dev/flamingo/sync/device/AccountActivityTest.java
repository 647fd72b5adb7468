package dev.flamingo.sync.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operators' view of devices (activity per account, totals) and the account's removal when its deletion
 * record arrives: every device and audit event of the account goes, that record stays, other accounts keep theirs.
 */
class AccountActivityTest {
  @RegisterExtension
  static final Fixture f = new Fixture();

  static long count(String sql, Object... params) {
    return f.query(sql, params).iterator().next().getLong(0);
  }

  static void deliverAudit(UUID id, String type, long account) {
    JsonObject event = new JsonObject().put("event_id", id.toString()).put("event_type", type).put("account_id", account)
        .put("ip", "192.0.2.9").put("metadata", new JsonObject()).put("created_at", Instant.now().toString());
    f.request(Addresses.DEVICE_EVENTS_DELIVER, new JsonObject().put("event_id", id.toString())
        .put("topic", Addresses.EVENT_AUDIT).put("payload", event), 0, null);
  }

  @Test
  void activityCountsLiveDevicesAndTheLastUse() {
    long busy = Fixture.newAccount();
    long idle = Fixture.newAccount();
    f.createDevice(busy, "Laptop", Instant.now().minusSeconds(60));
    f.createDevice(busy, "Phone", Instant.now());
    JsonObject activity = f.request(Addresses.DEVICE_ADMIN_ACTIVITY, new JsonObject().put("account_ids",
        new JsonArray().add(busy).add(idle)), 0, null).getJsonObject("data").getJsonObject("activity");
    assertEquals(2L, activity.getJsonObject(String.valueOf(busy)).getLong("devices"));
    assertEquals(0L, activity.getJsonObject(String.valueOf(idle)).getLong("devices"));
    assertNull(activity.getJsonObject(String.valueOf(idle)).getValue("last_seen_at"));
    JsonObject totals = f.request(Addresses.DEVICE_ADMIN_TOTALS, new JsonObject(), 0, null).getJsonObject("data");
    assertTrue(totals.getLong("devices") >= 2, totals.encode());
    f.failure(400, Addresses.DEVICE_ADMIN_ACTIVITY, new JsonObject().put("account_ids", "1"), 0, null);
  }

  @Test
  void theDeletionRecordRemovesTheAccountsDevicesAndAuditLogButItself() {
    long doomed = Fixture.newAccount();
    long kept = Fixture.newAccount();
    for (long account : new long[] {doomed, kept}) {
      f.createDevice(account, "Laptop", Instant.now());
      deliverAudit(UUID.randomUUID(), "auth.login", account);
    }
    UUID deletion = UUID.randomUUID();
    deliverAudit(deletion, "account.deleted", doomed);
    assertEquals(0, count("select count(*) from devices where account_id = $1", doomed));
    assertEquals(1, count("select count(*) from audit_log where account_id = $1", doomed));
    assertEquals(1, count("select count(*) from audit_log where event_key = $1", deletion));
    deliverAudit(deletion, "account.deleted", doomed); // a redelivery keeps it
    assertEquals(1, count("select count(*) from audit_log where account_id = $1", doomed));
    assertEquals(1, count("select count(*) from devices where account_id = $1", kept));
    assertEquals(1, count("select count(*) from audit_log where account_id = $1", kept));
  }
}
