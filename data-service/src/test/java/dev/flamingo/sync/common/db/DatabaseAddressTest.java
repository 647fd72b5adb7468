package dev.flamingo.sync.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pool's new connections against a database whose name stops resolving for a while, as Podman's DNS server does
 * each time a container starts or stops (see {@link DatabaseAddress}). A real PostgreSQL, reached through a name that
 * only this test's lookup knows ({@code flamingo-db.invalid}: the machine's resolver would never answer it).
 * In data-service's tests, in common's package, because it needs {@link TestDatabase}, which common's tests cannot use.
 */
class DatabaseAddressTest {
  static final String NAME = "flamingo-db.invalid";
  static TestDatabase db;

  final Vertx vertx = Vertx.vertx();
  final AtomicBoolean answering = new AtomicBoolean(true);
  final AtomicInteger lookups = new AtomicInteger();
  final AtomicInteger failedLookups = new AtomicInteger();
  final List<String> lookupThreads = new CopyOnWriteArrayList<>();
  final List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
  PgConnectOptions real;
  Pool pool;

  @BeforeAll
  static void database() {
    db = TestDatabase.create();
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close().await();
    }
    vertx.close().await();
  }

  /** The name's DNS server: the database's real address while {@link #answering}, else no answer. */
  InetAddress lookup(String host) throws UnknownHostException {
    lookups.incrementAndGet();
    lookupThreads.add(Thread.currentThread().getName());
    onEventLoop.add(Context.isOnEventLoopThread());
    assertEquals(NAME, host);
    if (!answering.get()) {
      failedLookups.incrementAndGet();
      throw new UnknownHostException(host + ": Name or service not known");
    }
    return InetAddress.getByName(real.getHost());
  }

  Pool pool(long refreshMillis) {
    real = PgConnectOptions.fromUri(db.url());
    PgConnectOptions byName = new PgConnectOptions(real).setHost(NAME);
    assertTrue(DatabaseAddress.applies(byName));
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(8))
        .connectingTo(DatabaseAddress.of(vertx, byName, this::lookup, refreshMillis)).using(vertx).build();
    return pool;
  }

  /** Takes {@code n} connections at once (so the pool opens new ones), runs a query on each, gives them back. */
  static void newConnections(Pool pool, int n) {
    List<Future<SqlConnection>> taken = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      taken.add(pool.getConnection());
    }
    Future.all(taken).await();
    for (Future<SqlConnection> c : taken) {
      assertEquals(1, c.result().query("select 1").execute().await().iterator().next().getInteger(0));
    }
    for (Future<SqlConnection> c : taken) {
      c.result().close().await();
    }
  }

  @Test
  void newConnectionsKeepTheLastAddressWhileTheNameDoesNotResolve() throws Exception {
    Pool pool = pool(50);
    newConnections(pool, 1);
    answering.set(false);
    // 2, 4, then 8 connections at once: each round opens new ones, after the last answer is older than the refresh
    // age, so each round looks the name up again in the background, and that lookup fails
    for (int n = 2; n <= 8; n *= 2) {
      Thread.sleep(100);
      newConnections(pool, n);
    }
    assertTrue(failedLookups.get() >= 1, "the name was looked up again while it did not resolve: " + lookups);
    assertFalse(onEventLoop.contains(true), "a lookup ran on an event loop: " + lookupThreads);
  }

  @Test
  void withoutAnyAnswerYetAConnectionFailsAsUnavailableThenRecovers() {
    Pool pool = pool(50);
    answering.set(false);
    Throwable e = assertThrows(Throwable.class, () -> pool.query("select 1").execute().await());
    assertInstanceOf(UnknownHostException.class, e);
    assertTrue(Failures.isUnavailable(e), "a name that does not resolve is a 503, not a 500");
    answering.set(true);
    assertEquals(1, pool.query("select 1").execute().await().iterator().next().getInteger(0));
  }

  /**
   * After a restart PostgreSQL may be on a new address: when the name does not resolve, the last address is used only
   * if it still takes a connection, else the connection fails at once (503) instead of waiting on a dead address.
   */
  @Test
  void aLastAddressThatDoesNotAnswerIsNotUsed() throws Exception {
    real = PgConnectOptions.fromUri(db.url());
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    PgConnectOptions gone = new PgConnectOptions(real).setHost(NAME).setPort(closedPort);
    PgConnectOptions alive = new PgConnectOptions(real).setHost(NAME);
    var toAlive = DatabaseAddress.of(vertx, alive, this::lookup, 0);
    String address = toAlive.get().await().getHost();
    answering.set(false);
    var failingGone = DatabaseAddress.of(vertx, gone, new DatabaseAddress.Lookup() {
      boolean first = true;

      @Override
      public InetAddress lookup(String host) throws UnknownHostException {
        if (first) {
          first = false;
          return InetAddress.getByName("127.0.0.1");
        }
        throw new UnknownHostException(host);
      }
    }, 0);
    assertEquals("127.0.0.1", failingGone.get().await().getHost());
    Thread.sleep(5);
    Throwable e = assertThrows(Throwable.class, () -> failingGone.get().await());
    assertInstanceOf(UnknownHostException.class, e);
    assertTrue(e.getMessage().contains("does not answer"), e.getMessage());
    Thread.sleep(5);
    assertEquals(address, toAlive.get().await().getHost(), "a last address that answers is kept");
    assertTrue(failedLookups.get() >= 1);
  }

  /**
   * A request waits for a pool connection at most half the bus timeout, and then fails as unavailable (503), while the
   * gateway still waits for its answer: with Vert.x's default (30 s) it waited on, and a write could be applied after
   * the gateway had answered 503. Shown without measuring time: a service's handler whose query finds the pool's only
   * connection taken answers the pool's own wait timeout ("Timeout waiting for connection", a 503), and that answer
   * reaches a requester that waits the bus timeout, so the pool gave up first.
   */
  @Test
  void aRequestWaitsForAConnectionHalfTheBusTimeoutThenIsUnavailable() {
    long busTimeout = 4_000;
    Settings settings = new Settings(new JsonObject().put(Settings.DB_URL, db.url())
        .put(Settings.DB_POOL_SIZE, 1).put(Settings.BUS_TIMEOUT_MS, busTimeout));
    pool = Database.pool(vertx, settings, "public");
    SqlConnection only = pool.getConnection().await();
    AtomicReference<Throwable> poolFailure = new AtomicReference<>();
    vertx.eventBus().<String>consumer("test.database.wait", m -> pool.query("select 1").execute().onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply("served");
      } else {
        poolFailure.set(ar.cause());
        m.fail(Failures.isUnavailable(ar.cause()) ? 503 : 500, String.valueOf(ar.cause()));
      }
    })).completion().await();
    Throwable e = assertThrows(Throwable.class, () -> vertx.eventBus()
        .request("test.database.wait", "", new DeliveryOptions().setSendTimeout(busTimeout)).await());
    ReplyException reply = assertInstanceOf(ReplyException.class, e);
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, reply.failureType(),
        "the pool must give up before the bus timeout: " + reply);
    assertEquals(503, reply.failureCode(), "no connection in the pool's wait is a 503: " + reply);
    assertInstanceOf(VertxException.class, poolFailure.get());
    assertEquals("Timeout waiting for connection", poolFailure.get().getMessage(), "the pool's own wait timeout");
    only.close().await();
    assertEquals(1, pool.query("select 1").execute().await().iterator().next().getInteger(0));
  }

  /**
   * Overload sheds early: a request that finds the pool's connections taken and its wait queue full
   * ({@code FLAMINGO_DB_POOL_QUEUE}) is refused at once as unavailable (503 with Retry-After), instead of waiting
   * out the pool's timeout; the one in the queue still gets the connection when it frees.
   */
  @Test
  void aRequestBeyondThePoolsWaitQueueIsRefusedAtOnceAsUnavailable() {
    Settings settings = new Settings(new JsonObject().put(Settings.DB_URL, db.url())
        .put(Settings.DB_POOL_SIZE, 1).put(Settings.DB_POOL_QUEUE, 1).put(Settings.BUS_TIMEOUT_MS, 20_000));
    pool = Database.pool(vertx, settings, "public");
    SqlConnection only = pool.getConnection().await();
    Future<?> queued = pool.query("select 1").execute();
    Throwable refused = assertThrows(Throwable.class, () -> pool.query("select 1").execute().await());
    assertInstanceOf(ConnectionPoolTooBusyException.class, refused, "refused by the bounded queue: " + refused);
    assertTrue(Failures.isUnavailable(refused), "a full queue is a 503");
    assertFalse(queued.isComplete(), "the queued request waits for the connection");
    only.close().await();
    queued.await();
  }

  /** A database whose port refuses connections is unavailable (503), not a fault of the code. */
  @Test
  void aPoolPointedAtAClosedPortIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    Settings settings = new Settings(new JsonObject()
        .put(Settings.DB_URL, "postgresql://postgres@127.0.0.1:" + closedPort + "/flamingo"));
    pool = Database.pool(vertx, settings, "public");
    Throwable e = assertThrows(Throwable.class, () -> pool.query("select 1").execute().await());
    assertTrue(Failures.isUnavailable(e), "a refused connection is a 503: " + e);
  }

  @Test
  void onlyNamesWithoutTlsAreLookedUpHere() {
    PgConnectOptions name = new PgConnectOptions().setHost("postgres");
    assertTrue(DatabaseAddress.applies(name));
    assertFalse(DatabaseAddress.applies(new PgConnectOptions(name).setSslMode(SslMode.REQUIRE)), "TLS needs the name");
    assertFalse(DatabaseAddress.applies(new PgConnectOptions(name).setSslMode(SslMode.VERIFY_FULL)));
    assertFalse(DatabaseAddress.applies(new PgConnectOptions(name).setHost("10.0.0.5")));
    assertFalse(DatabaseAddress.applies(new PgConnectOptions(name).setHost("::1")));
    assertFalse(DatabaseAddress.applies(new PgConnectOptions(name).setHost("/var/run/postgresql")));
  }
}
