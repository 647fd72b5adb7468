package dev.flamingo.sync.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One fresh database and one Vert.x with a deployed {@link AuthVerticle} per test class, driven over the
 * event bus from the JUnit thread (where {@code .await()} is allowed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AuthServiceTestBase {
  protected static final String JWT_SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  protected static final String PASSWORD = "correct horse battery";
  /** The key-encryption key that seals TOTP secrets (base64 of 32 bytes). */
  protected static final String KEK = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  protected TestDatabase db;
  protected Vertx vertx;
  protected JsonObject config;
  private final Map<String, List<JsonObject>> events = new ConcurrentHashMap<>();
  private final List<MessageConsumer<?>> listeners = new ArrayList<>();
  /** Every message the outbox relay delivered: {event_id, topic, payload}. */
  protected final List<JsonObject> delivered = new CopyOnWriteArrayList<>();
  private int emails;

  /** Extra verticle config for a class (e.g. sign-ups off). */
  protected JsonObject extraConfig() {
    return new JsonObject();
  }

  @BeforeAll
  void startAuthService() {
    db = TestDatabase.create();
    vertx = Vertx.vertx();
    config = new JsonObject()
        .put("FLAMINGO_DB_URL", db.url())
        .put("FLAMINGO_JWT_SECRET", JWT_SECRET)
        .put("FLAMINGO_KEK", KEK)
        .mergeIn(extraConfig());
    for (String address : List.of(Addresses.EVENT_SESSION_REVOKED, Addresses.EVENT_SESSION_CREATED,
        Addresses.EVENT_ACCOUNT_STAMP_CHANGED, Addresses.EVENT_AUDIT)) {
      List<JsonObject> seen = new CopyOnWriteArrayList<>();
      events.put(address, seen);
      MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address, m -> seen.add(m.body()));
      consumer.completion().await();
      listeners.add(consumer);
    }
    // device-service's side of the outbox: audit events arrive only this way; every delivery is acknowledged
    MessageConsumer<JsonObject> deliver = vertx.eventBus().consumer(Addresses.DEVICE_EVENTS_DELIVER, m -> {
      delivered.add(m.body());
      if (Addresses.EVENT_AUDIT.equals(m.body().getString("topic"))) {
        events.get(Addresses.EVENT_AUDIT).add(m.body().getJsonObject("payload"));
      }
      m.reply(new JsonObject());
    });
    deliver.completion().await();
    listeners.add(deliver);
    vertx.deployVerticle(new AuthVerticle(),
        new DeploymentOptions().setConfig(config)).await();
  }

  @AfterAll
  void stopAuthService() {
    try {
      if (vertx != null) {
        vertx.close().await();
      }
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }

  // --- bus ----------------------------------------------------------------------------------

  protected static RequestContext anon() {
    return RequestContext.anonymous("t", "127.0.0.1", "ua");
  }

  protected static RequestContext as(long account) {
    return anon().withAccount(account, null, null);
  }

  protected static RequestContext asSession(JsonObject validated) {
    return anon().withAccount(validated.getLong("account_id"), validated.getString("session_id"),
        validated.getString("device_id"));
  }

  protected Future<Message<JsonObject>> send(String address, JsonObject body, RequestContext ctx) {
    return vertx.eventBus().<JsonObject>request(address, body, ctx.toDeliveryOptions(10000));
  }

  /** The whole reply {data, message?} of a call that must succeed. */
  protected JsonObject call(String address, JsonObject body, RequestContext ctx) {
    try {
      return send(address, body, ctx).await().body();
    } catch (RuntimeException e) {
      ServiceException se = Failures.fromThrowable(e);
      throw new AssertionError(address + " failed: " + se.status() + " " + se.getMessage(), e);
    }
  }

  /** The {@code data} object of a call that must succeed. */
  protected JsonObject data(String address, JsonObject body, RequestContext ctx) {
    JsonObject data = call(address, body, ctx).getJsonObject("data");
    assertNotNull(data, address + " answered without data");
    return data;
  }

  /** The failure of a call that must fail. */
  protected ServiceException failure(String address, JsonObject body, RequestContext ctx) {
    JsonObject reply;
    try {
      reply = send(address, body, ctx).await().body();
    } catch (RuntimeException e) {
      return Failures.fromThrowable(e);
    }
    return fail(address + " should have failed but answered " + reply.encode());
  }

  protected void assertFails(int status, String text, String address, JsonObject body, RequestContext ctx) {
    ServiceException e = failure(address, body, ctx);
    assertEquals(status + " " + text, e.status() + " " + e.getMessage(), address + " with " + body.encode());
  }

  // --- fixtures -----------------------------------------------------------------------------

  protected synchronized String uniqueEmail() {
    return "user" + (++emails) + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  /** Registers a fresh account: {account_id, email, browser_token, browser_token_max_age}. */
  protected JsonObject register() {
    return data(Addresses.AUTH_REGISTER, new JsonObject().put("email", uniqueEmail()).put("password", PASSWORD), anon());
  }

  protected String init(String deviceName) {
    return data(Addresses.AUTH_SYNC_INIT,
        new JsonObject().put("device_name", deviceName).put("device_type", "desktop"), anon()).getString("temp_token");
  }

  protected void claim(long account, String tempToken) {
    JsonObject reply = call(Addresses.AUTH_SYNC_CLAIM, new JsonObject().put("temp_token", tempToken).put("password", PASSWORD),
        as(account));
    assertEquals("Token claimed successfully", reply.getString("message"));
  }

  /** The data of AUTH_SYNC_TOKEN for a freshly paired device of the account. */
  protected JsonObject pairToken(long account, String deviceName) {
    String temp = init(deviceName);
    claim(account, temp);
    return data(Addresses.AUTH_SYNC_TOKEN, new JsonObject().put("temp_token", temp), anon());
  }

  /** A paired device: its session token plus what AUTH_SESSION_VALIDATE says about it. */
  protected record Paired(String token, JsonObject session) {
    public long accountId() {
      return session.getLong("account_id");
    }

    public String sessionId() {
      return session.getString("session_id");
    }

    public String deviceId() {
      return session.getString("device_id");
    }
  }

  protected Paired pair(long account, String deviceName) {
    return paired(pairToken(account, deviceName).getString("session_token"));
  }

  /** The paired device of a session token. */
  protected Paired paired(String token) {
    return new Paired(token, validate(token));
  }

  protected JsonObject validate(String sessionToken) {
    return data(Addresses.AUTH_SESSION_VALIDATE, new JsonObject().put("session_token", sessionToken), anon());
  }

  protected void assertSessionRefused(String sessionToken) {
    assertFails(401, "Unauthorized", Addresses.AUTH_SESSION_VALIDATE,
        new JsonObject().put("session_token", sessionToken), anon());
  }

  // --- events -------------------------------------------------------------------------------

  /** Waits (up to 5 s) for an event on {@code address} matching {@code match}. */
  protected JsonObject awaitEvent(String address, Predicate<JsonObject> match) {
    List<JsonObject> seen = events.get(address);
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      for (JsonObject e : seen) {
        if (match.test(e)) {
          return e;
        }
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return fail("no matching event on " + address + "; seen: " + seen);
  }

  /** Every event seen so far on {@code address} (a live view). */
  protected List<JsonObject> events(String address) {
    return events.get(address);
  }

  protected static Predicate<JsonObject> revokedSession(String sessionId) {
    return e -> e.getJsonArray("session_ids") != null && e.getJsonArray("session_ids").contains(sessionId);
  }

  // --- SQL ----------------------------------------------------------------------------------

  protected Connection jdbc() throws SQLException {
    return db.connect();
  }

  /** Runs an update with positional parameters; the row count. */
  protected int sql(String statement, Object... params) {
    try (Connection c = jdbc(); PreparedStatement ps = c.prepareStatement(statement)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first column of the first row of a query (null when there is none). */
  protected Object scalar(String query, Object... params) {
    try (Connection c = jdbc(); PreparedStatement ps = c.prepareStatement(query)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getObject(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  protected long count(String query, Object... params) {
    return ((Number) scalar(query, params)).longValue();
  }
}
