package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.device.DeviceVerticle;
import dev.flamingo.sync.gateway.GatewayVerticle;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No audit event is lost: device-service is stopped for 30 s while accounts register, pair devices, rotate,
 * revoke and sign out everywhere (over HTTP through a gateway, every service its own clustered node). When it
 * is back, every event the producers wrote is in the audit log exactly once, and the devices show correctly.
 */
class OutboxDeliveryTest {
  static final long DOWN_MS = 30_000;
  static final int ACCOUNTS = 3;

  @RegisterExtension
  static final ServiceNodes nodes = new ServiceNodes(4);
  static Vertx deviceNode;
  static ApiClient api;

  @BeforeAll
  static void start() {
    deviceNode = nodes.startServices(0, 1, 3);
    GatewayVerticle g = new GatewayVerticle();
    nodes.start(2, g);
    api = nodes.client(g);
  }

  /** What one account did while device-service was away. */
  record Account(long id, String keptDevice, String keptToken, String revokedDevice, boolean signedOutEverywhere) {}

  @Test
  void everyEventWrittenWhileDeviceServiceWasDownIsStoredExactlyOnce() throws Exception {
    String deployment = deviceNode.deploymentIDs().iterator().next();
    deviceNode.undeploy(deployment).await();
    long stoppedAt = System.currentTimeMillis();

    String run = UUID.randomUUID().toString().substring(0, 8);
    List<Account> accounts = new ArrayList<>();
    for (int i = 0; i < ACCOUNTS; i++) {
      accounts.add(act(run + "-" + i, i == ACCOUNTS - 1));
    }

    // nothing reached the audit log; the events wait in the producers' outboxes
    Map<UUID, String> expected = pendingAuditEvents();
    long mine = count("select count(*) from device.audit_log where account_id = any(?)", (Object) ids(accounts));
    assertEquals(0, mine, "device-service was down: nothing should be stored yet");
    // what the accounts did: per account one registration, two pairings, key, config, a rotation, a revoke
    Map<String, Integer> expectedTypes = new TreeMap<>(Map.of("account.registered", ACCOUNTS, "sync.init", 2 * ACCOUNTS,
        "sync.claim", 2 * ACCOUNTS, "sync.token", 2 * ACCOUNTS, "key.set", ACCOUNTS, "config.changed", ACCOUNTS,
        "session.rotated", ACCOUNTS, "session.revoked", ACCOUNTS));
    assertEquals(expectedTypes, types(expected.values()), "events waiting in the outboxes");
    List<UUID> deviceEvents = pendingDeviceEvents();
    assertFalse(deviceEvents.isEmpty());

    Thread.sleep(Math.max(0, DOWN_MS - (System.currentTimeMillis() - stoppedAt)));
    nodes.deploy(deviceNode, new DeviceVerticle());

    // the relays deliver what waited (their back-off is at most 10 s)
    long deadline = System.currentTimeMillis() + 40_000;
    while (System.currentTimeMillis() < deadline
        && (outboxSize() > 0 || storedKeys(expected.keySet()).size() < expected.size())) {
      Thread.sleep(200);
    }
    assertEquals(0, outboxSize(), "the outboxes drained");

    // every expected event exactly once (by type and by event_id), and nothing else for these accounts
    assertEquals(expectedTypes, storedTypes(accounts, run), "events by type");
    Map<UUID, Integer> stored = storedKeys(expected.keySet());
    assertEquals(expected.keySet(), stored.keySet(), "missing events");
    stored.forEach((key, n) -> assertEquals(1, n, "event " + key + " stored " + n + " times"));
    assertEquals(deviceEvents.size(), count("select count(*) from device.delivered_events where event_id = any(?)",
        (Object) deviceEvents.toArray(new UUID[0])));

    // the devices show as paired and revoked
    for (Account a : accounts) {
      assertEquals(!a.signedOutEverywhere(), live(a.keptDevice()), "kept device of account " + a.id());
      assertFalse(live(a.revokedDevice()), "revoked device of account " + a.id());
      if (!a.signedOutEverywhere()) {
        Response list = api.get("/api/devices", a.keptToken());
        assertEquals(200, list.status, list.toString());
        JsonArray devices = list.body.getJsonArray("data");
        assertEquals(1, devices.size(), devices.encode());
        assertEquals(a.keptDevice(), devices.getJsonObject(0).getString("id"));
      }
    }
  }

  /** Registers, pairs two devices, sets key and config, rotates one device, revokes the other (or signs out everywhere). */
  private Account act(String name, boolean signOutEverywhere) throws SQLException {
    String email = "outbox-" + name + "@example.com";
    String cookie = Pairing.register(api, email);
    long id = ((Number) scalar("select id from auth.accounts where email = ?", email)).longValue();
    String kept = Pairing.pairDevice(api, cookie, "kept " + name);
    String revoked = Pairing.pairDevice(api, cookie, "revoked " + name);
    String keptDevice = deviceOf(kept);
    String revokedDevice = deviceOf(revoked);
    byte[] key = Tokens.randomBytes(32);
    assertEquals(200, api.put("/api/sync/key", kept,
        new JsonObject().put("master_key", Base64.getEncoder().encodeToString(key))).status);
    assertEquals(200, api.put("/api/sync/config", kept, new JsonObject().put("sync_history", false)).status);
    Response rotated = api.post("/api/sync/rotate", kept, new JsonObject());
    assertEquals(200, rotated.status, rotated.toString());
    kept = rotated.data().getString("session_token");
    assertEquals(200, api.post("/api/sync/revoke", revoked, new JsonObject()).status);
    if (signOutEverywhere) {
      Response r = api.send(HttpMethod.POST, "/api/web/sign-out-everywhere", null, Buffer.buffer("{}"),
          Map.of("Cookie", cookie, "Origin", "http://flamingo.test", "Content-Type", "application/json"));
      assertEquals(200, r.status, r.toString());
    }
    return new Account(id, keptDevice, kept, revokedDevice, signOutEverywhere);
  }

  private String deviceOf(String token) throws SQLException {
    return scalar("select device_id::text from auth.sessions where token_hash = ?", Tokens.sha256(token)).toString();
  }

  private boolean live(String device) throws SQLException {
    return count("select count(*) from device.devices where id = ?::uuid and revoked_at is null", device) == 1;
  }

  /** The audit events waiting in auth's and data's outboxes: event_id → event_type. */
  private Map<UUID, String> pendingAuditEvents() throws SQLException {
    Map<UUID, String> events = new HashMap<>();
    String sql = "select event_id, payload->>'event_type' from %s.outbox where topic = 'flamingo.events.audit'";
    for (String schema : List.of("auth", "data")) {
      try (Connection c = nodes.db.connect(); PreparedStatement ps = c.prepareStatement(sql.formatted(schema));
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.put((UUID) rs.getObject(1), rs.getString(2));
        }
      }
    }
    return events;
  }

  private List<UUID> pendingDeviceEvents() throws SQLException {
    List<UUID> ids = new ArrayList<>();
    try (Connection c = nodes.db.connect(); PreparedStatement ps = c.prepareStatement(
        "select event_id from auth.outbox where topic <> 'flamingo.events.audit'"); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ids.add((UUID) rs.getObject(1));
      }
    }
    return ids;
  }

  private long outboxSize() throws SQLException {
    return count("select (select count(*) from auth.outbox) + (select count(*) from data.outbox)");
  }

  /** How many audit rows each of these event ids has. */
  private Map<UUID, Integer> storedKeys(java.util.Set<UUID> keys) throws SQLException {
    Map<UUID, Integer> stored = new HashMap<>();
    try (Connection c = nodes.db.connect(); PreparedStatement ps = c.prepareStatement(
        "select event_key, count(*) from device.audit_log where event_key = any(?) group by event_key")) {
      ps.setArray(1, c.createArrayOf("uuid", keys.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stored.put((UUID) rs.getObject(1), rs.getInt(2));
        }
      }
    }
    return stored;
  }

  /** The stored events of these accounts (and the sync.init events of this run, which have no account) by type. */
  private Map<String, Integer> storedTypes(List<Account> accounts, String run) throws SQLException {
    Map<String, Integer> types = new TreeMap<>();
    try (Connection c = nodes.db.connect(); PreparedStatement ps = c.prepareStatement(
        "select event_type, count(*) from device.audit_log where account_id = any(?) "
            + "or (event_type = 'sync.init' and metadata->>'device_name' like ?) group by event_type")) {
      ps.setArray(1, c.createArrayOf("bigint", ids(accounts)));
      ps.setString(2, "% " + run + "-%");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          types.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return types;
  }

  private static Map<String, Integer> types(java.util.Collection<String> types) {
    Map<String, Integer> counts = new TreeMap<>();
    types.forEach(t -> counts.merge(t, 1, Integer::sum));
    return counts;
  }

  private static Long[] ids(List<Account> accounts) {
    return accounts.stream().map(Account::id).toArray(Long[]::new);
  }

  private Object scalar(String sql, Object... params) throws SQLException {
    try (Connection c = nodes.db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        if (params[i] instanceof Object[] array) {
          ps.setArray(i + 1, c.createArrayOf(array instanceof UUID[] ? "uuid" : "bigint", array));
        } else {
          ps.setObject(i + 1, params[i]);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), sql);
        return rs.getObject(1);
      }
    }
  }

  private long count(String sql, Object... params) throws SQLException {
    return ((Number) scalar(sql, params)).longValue();
  }
}
