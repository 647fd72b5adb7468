package dev.flamingo.sync.common.db;

import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.bus.ServiceHandler;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's database: its own schema, its own Flyway history (migrations under
 * {@code classpath:db/<schema>}), and a reactive pool whose {@code search_path} is that schema. No
 * service ever names another's schema.
 */
public final class Database {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private Database() {}

  public static PgConnectOptions connectOptions(String url) {
    return PgConnectOptions.fromUri(url);
  }

  /** The settings' database: the URL with FLAMINGO_DB_USER / FLAMINGO_DB_PASSWORD applied (see Settings). */
  public static PgConnectOptions connectOptions(Settings settings) {
    return settings.dbConnectOptions();
  }

  /**
   * Blocking: creates the database if it does not exist yet, then migrates {@code schema}. Run it on a
   * worker (or before Vert.x starts), never on an event loop.
   */
  public static void migrate(Settings settings, String schema) {
    PgConnectOptions options = connectOptions(settings);
    ensureDatabase(options);
    String url = jdbcUrl(options, options.getDatabase());
    // several instances of a service (verticle instances in one JVM, replicas in a cluster) start together:
    // one migrates at a time, the others then find nothing to do. Flyway's own lock let two of them insert
    // the same history row.
    synchronized (MIGRATIONS) {
      try (java.sql.Connection lock = java.sql.DriverManager.getConnection(url, properties(options));
           java.sql.PreparedStatement take = lock.prepareStatement("select pg_advisory_lock(hashtext(?))")) {
        take.setString(1, "flamingo-migrate-" + schema);
        take.execute();
        Flyway.configure()
            .dataSource(url, options.getUser(), emptyToNull(options.getPassword()))
            .schemas(schema)
            .defaultSchema(schema)
            .createSchemas(true)
            .locations("classpath:db/" + schema)
            .loggers("slf4j")
            .load()
            .migrate();
        // the session lock ends with the connection
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("cannot migrate schema " + schema + ": " + e.getMessage(), e);
      }
    }
  }

  private static final Object MIGRATIONS = new Object();

  /** The ping of a service: {service, ok: true, status: "UP"} when its database answers, else 503. */
  public static ServiceHandler ping(Pool pool, String service) {
    return (body, ctx) -> pool.query("select 1").execute()
        .map(r -> Reply.data(new JsonObject().put("service", service).put("ok", true).put("status", "UP")))
        .recover(e -> Future.failedFuture(new ServiceException(503, service + " database unavailable")));
  }

  /** Migrates on a worker thread, then builds the pool for {@code schema}. */
  public static Future<Pool> open(Vertx vertx, Settings settings, String schema) {
    return vertx.executeBlocking(() -> {
      migrate(settings, schema);
      return null;
    }, false).map(v -> pool(vertx, settings, schema));
  }

  /**
   * The pool of {@code schema}, named {@code flamingo-<schema>} (in the metrics' {@code pool_name}); a second
   * pool of the same schema in this Vert.x instance (a service deployed as several verticle instances) is
   * {@code flamingo-<schema>-2}, and so on: pools of one name would share their gauges (the ratio of in-use
   * connections would be out of the pool's size) and Micrometer warns of the gauge registered twice.
   */
  public static Pool pool(Vertx vertx, Settings settings, String schema) {
    int nth = vertx.sharedData().<String, Integer>getLocalMap("flamingo.db.pools").merge(schema, 1, Integer::sum);
    String name = nth == 1 ? "flamingo-" + schema : "flamingo-" + schema + "-" + nth;
    PgConnectOptions options = connectOptions(settings);
    options.addProperty("search_path", schema);
    options.addProperty("application_name", "flamingo-" + schema);
    options.setCachePreparedStatements(true); // parse each statement once per connection, like pgbench -M prepared
    // Vert.x caches only statements up to 2048 characters by default; data-service's one-statement blob PUT (a CTE
    // that also keeps and prunes revisions) is longer, and was parsed and planned again on every PUT (7x its
    // PostgreSQL CPU, measured with BlobPutBench)
    options.setPreparedStatementCacheSqlLimit(16384);
    options.setPipeliningLimit(256);
    // A request waits for a connection at most half the bus timeout, so that it fails (503) while the gateway still
    // waits for its answer: with Vert.x's 30 s, a PUT that waited out a PostgreSQL restart was applied after the
    // gateway had answered 503, over a newer write of the same blob that had been acknowledged meanwhile (seen in
    // bin/cluster-check as a lost write). (A shorter connect timeout cannot be set: Vert.x 5.0's PostgreSQL driver
    // ignores the pool's NetClientOptions; DatabaseAddress keeps connections off addresses that do not answer.)
    long waitMs = Math.max(1, settings.number(Setting.BUS_TIMEOUT_MS) / 2);
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(settings.integer(Setting.DB_POOL_SIZE)).setName(name)
            // a bounded wait: the request past it fails at once (ConnectionPoolTooBusyException: 503, Retry-After)
            .setMaxWaitQueueSize(Math.max(1, settings.integer(Setting.DB_POOL_QUEUE)))
            .setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, waitMs))
            .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS))
        .connectingTo(DatabaseAddress.of(vertx, options)) // the host's last good address: see DatabaseAddress
        .using(vertx)
        .build();
    return DbStatements.counted(pool, schema); // flamingo_db_statements_total{service="<schema>"}
  }

  /** Blocking: creates the configured database if missing; fails with a one-line explanation if unreachable. */
  public static void ensureDatabase(Settings settings) {
    ensureDatabase(connectOptions(settings));
  }

  static void ensureDatabase(PgConnectOptions options) {
    String name = options.getDatabase();
    String admin = jdbcUrl(options, "postgres");
    try (Connection c = DriverManager.getConnection(admin, properties(options));
         Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + name.replace("'", "''") + "'")) {
        if (rs.next()) {
          return;
        }
      }
      s.execute("create database \"" + name.replace("\"", "\"\"") + "\"");
      LOG.info("Created database {}", name);
    } catch (SQLException e) {
      if ("42P04".equals(e.getSQLState())) {
        return; // created concurrently by another service
      }
      throw new DatabaseUnavailableException(options, e);
    }
  }

  static String jdbcUrl(PgConnectOptions options, String database) {
    return "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + database;
  }

  private static Properties properties(PgConnectOptions options) {
    Properties p = new Properties();
    p.setProperty("user", options.getUser());
    if (options.getPassword() != null && !options.getPassword().isEmpty()) {
      p.setProperty("password", options.getPassword());
    }
    p.setProperty("connectTimeout", "5");
    return p;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
