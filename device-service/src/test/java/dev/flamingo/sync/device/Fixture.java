package dev.flamingo.sync.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One device-service for a test class: a fresh database, the verticle deployed on a plain Vert.x, a
 * fake auth-service on {@code AUTH_SESSION_REVOKE_DEVICES}, and a pool on schema {@code device} for SQL
 * checks. Drive it from the test thread. Register it with {@code @RegisterExtension static final Fixture f =
 * new Fixture();}: it starts before the class's first test and closes after its last.
 */
final class Fixture implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  enum AuthMode { OK, SILENT, FAIL }

  private static final AtomicLong ACCOUNTS = new AtomicLong(1000 + (System.nanoTime() % 1000) * 1000);

  TestDatabase db;
  Vertx vertx;
  DeviceVerticle verticle;
  Pool sql;
  /** What the fake auth-service received. */
  final List<JsonObject> authRequests = new CopyOnWriteArrayList<>();
  volatile AuthMode authMode = AuthMode.OK;
  /** How long device-service waits for (fake) auth-service: generous, so that a loaded machine is never a failure. */
  private final long authTimeoutMs;

  Fixture() {
    this(30_000);
  }

  /** A short {@code authTimeoutMs} only for a test whose auth never answers (nothing there depends on speed). */
  Fixture(long authTimeoutMs) {
    this.authTimeoutMs = authTimeoutMs;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private void start() {
    db = TestDatabase.create();
    vertx = Vertx.vertx();
    JsonObject config = new JsonObject()
        .put(Settings.DB_URL, db.url())
        .put(Settings.DB_POOL_SIZE, 4)
        .put(Settings.LAST_SEEN_FLUSH_MS, 600_000) // flushed by the tests, never by the timer
        .put(Settings.AUDIT_FLUSH_MS, 200)
        .put(Settings.DEVICE_AUTH_TIMEOUT_MS, authTimeoutMs);
    vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_SESSION_REVOKE_DEVICES, this::fakeAuth);
    verticle = new DeviceVerticle();
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)).await();
    sql = Database.pool(vertx, new Settings(config), "device");
  }

  private void fakeAuth(Message<JsonObject> message) {
    authRequests.add(message.body());
    switch (authMode) {
      case OK -> message.reply(Reply.data(new JsonObject().put("revoked", 1)));
      case FAIL -> message.fail(500, "Internal server error");
      case SILENT -> { } // never answers: the caller times out
    }
  }

  static long newAccount() {
    return ACCOUNTS.incrementAndGet();
  }

  static RequestContext ctx(long account, String deviceId) {
    return RequestContext.anonymous("t", "127.0.0.1", "ua").withAccount(account, "sess", deviceId);
  }

  /** A successful request's reply body. */
  JsonObject request(String address, JsonObject body, long account, String deviceId) {
    return vertx.eventBus().<JsonObject>request(address, body, ctx(account, deviceId).toDeliveryOptions(authTimeoutMs + 30_000))
        .await().body();
  }

  /** A request that must fail with {@code status}; returns the failure text. */
  String failure(int status, String address, JsonObject body, long account, String deviceId) {
    ReplyException e = assertThrows(ReplyException.class, () -> request(address, body, account, deviceId));
    assertEquals(status, e.failureCode(), e.getMessage());
    return e.getMessage();
  }

  JsonArray devices(long account, String current) {
    return request(Addresses.DEVICE_LIST, new JsonObject(), account, current).getJsonArray("data");
  }

  /** Publishes auth-service's session-created event for a new device and waits until it is listed. */
  String createDevice(long account, String name, Instant createdAt) {
    String id = UUID.randomUUID().toString();
    vertx.eventBus().publish(Addresses.EVENT_SESSION_CREATED, sessionCreated(account, id, name, createdAt));
    awaitTrue(() -> devices(account, null).encode().contains(id), "device " + id + " listed");
    return id;
  }

  static JsonObject sessionCreated(long account, String deviceId, String name, Instant createdAt) {
    return new JsonObject()
        .put("account_id", account)
        .put("session_id", UUID.randomUUID().toString())
        .put("device_id", deviceId)
        .put("device_name", name)
        .put("device_type", "desktop")
        .put("ip", "192.0.2.10")
        .put("user_agent", "Flamingo/1.0")
        .put("created_at", createdAt.toString());
  }

  /** Writes what the verticle buffered (last seen, audit) now. */
  void flushNow() {
    verticle.flushNow().await();
  }

  RowSet<Row> query(String sql, Object... params) {
    return this.sql.preparedQuery(sql).execute(Tuple.from(params)).await();
  }

  static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        fail("Timed out waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }

  @Override
  public void close() {
    try {
      if (sql != null) {
        sql.close().await();
      }
      if (vertx != null) {
        vertx.close().await();
      }
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }
}
