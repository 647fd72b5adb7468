package dev.flamingo.sync.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL for tests, chosen automatically, and a fresh database per test class.
 *
 * <ol>
 *   <li>{@code FLAMINGO_TEST_DATABASE_URL} ({@code postgresql://user[:pass]@host:port/anydb}) when set;</li>
 *   <li>else a Testcontainers PostgreSQL when a Docker engine answers;</li>
 *   <li>else the local server at 127.0.0.1:5432, user postgres.</li>
 * </ol>
 * Each {@link #create()} makes a new, empty database on that server and {@link #close()} drops it.
 */
public final class TestDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TestDatabase.class);
  public static final String ENV = "FLAMINGO_TEST_DATABASE_URL";

  private static volatile Server server;

  private final Server on;
  private final String name;

  private TestDatabase(Server on, String name) {
    this.on = on;
    this.name = name;
  }

  /** A new empty database; its URL is {@link #url()}. */
  public static TestDatabase create() {
    Server s = server();
    String name = "flamingo_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    s.execute("create database " + name);
    return new TestDatabase(s, name);
  }

  /** {@code postgresql://…/<this database>}, for {@code FLAMINGO_DB_URL}. */
  public String url() {
    return on.baseUri + "/" + name;
  }

  public String name() {
    return name;
  }

  /** A JDBC connection to this database, for tests that look at or change rows directly. */
  public java.sql.Connection connect() throws java.sql.SQLException {
    var o = io.vertx.pgclient.PgConnectOptions.fromUri(url());
    return DriverManager.getConnection("jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase(),
        o.getUser(), o.getPassword() == null || o.getPassword().isEmpty() ? null : o.getPassword());
  }

  /** Where the databases live (for the test log): "env", "testcontainers" or "local". */
  public static String source() {
    return server().source;
  }

  @Override
  public void close() {
    try {
      on.execute("drop database if exists " + name + " with (force)");
    } catch (RuntimeException e) {
      LOG.warn("Could not drop test database {}: {}", name, e.getMessage());
    }
  }

  private static synchronized Server server() {
    if (server == null) {
      server = pickServer();
      LOG.info("Test databases on {} ({})", server.baseUri.replaceAll(":[^:@/]*@", ":***@"), server.source);
    }
    return server;
  }

  private static Server pickServer() {
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      String base = env.trim().replaceAll("/[^/@]*$", "");
      return new Server(base, "env");
    }
    if (dockerLikely()) {
      try {
        return Containers.start();
      } catch (Throwable t) {
        LOG.info("Docker engine not usable for Testcontainers ({}); using the local PostgreSQL", t.toString());
      }
    }
    return new Server("postgresql://postgres@127.0.0.1:5432", "local");
  }

  private static boolean dockerLikely() {
    return System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
  }

  /** Kept in its own class so Testcontainers is only loaded when Docker may be there. */
  private static final class Containers {
    static Server start() {
      if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
        throw new IllegalStateException("no Docker engine");
      }
      var pg = new org.testcontainers.containers.PostgreSQLContainer<>("postgres:15-alpine");
      pg.start();
      Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
      String base = "postgresql://" + pg.getUsername() + ":" + pg.getPassword() + "@" + pg.getHost() + ":"
          + pg.getMappedPort(5432);
      return new Server(base, "testcontainers");
    }
  }

  private record Server(String baseUri, String source) {
    void execute(String sql) {
      var parsed = io.vertx.pgclient.PgConnectOptions.fromUri(baseUri + "/postgres");
      String jdbc = "jdbc:postgresql://" + parsed.getHost() + ":" + parsed.getPort() + "/postgres";
      try (Connection c = DriverManager.getConnection(jdbc, parsed.getUser(),
          parsed.getPassword() == null || parsed.getPassword().isEmpty() ? null : parsed.getPassword());
           Statement st = c.createStatement()) {
        st.execute(sql);
      } catch (Exception e) {
        throw new IllegalStateException("Test database server " + source + " failed: " + e.getMessage(), e);
      }
    }
  }
}
