package dev.flamingo.sync.testing;

import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real PostgreSQL for tests, chosen automatically, and a fresh database per test class.
 *
 * <ol>
 *   <li>{@code FLAMINGO_TEST_DATABASE_URL} ({@code postgresql://user[:pass]@host:port/anydb}) when set;</li>
 *   <li>else by the mode: {@code FLAMINGO_TEST_DATABASE} (environment) or the system property
 *       {@code flamingo.test.database} (a module's Surefire configuration), default {@code auto}:
 *     <ul>
 *       <li>{@code auto}: a Testcontainers PostgreSQL when a Docker API answers: {@code DOCKER_HOST} set (then it
 *           must work: a broken one fails the tests) or {@code /var/run/docker.sock} (when that does not answer:
 *           a warning and the local server); else the local server at 127.0.0.1:5432, user postgres;</li>
 *       <li>{@code podman}: a Testcontainers PostgreSQL through Podman's Docker-compatible API when its socket
 *           ({@code FLAMINGO_TEST_PODMAN_SOCKET}, default {@code /run/podman/podman.sock}) exists — it must
 *           answer then, never a silent fall back — else as {@code auto};</li>
 *       <li>{@code testcontainers}: always a Testcontainers PostgreSQL (fails when no Docker API answers);</li>
 *       <li>{@code local}: always the local server.</li>
 *     </ul></li>
 * </ol>
 * The image is {@code FLAMINGO_TEST_POSTGRES_IMAGE} when set, else {@code local/flamingo-postgres:15} through
 * Podman (built by {@code bin/base-images}: no registry needed) and {@code postgres:15-alpine} elsewhere. Ryuk
 * is off (Surefire sets {@code TESTCONTAINERS_RYUK_DISABLED}: its image cannot be pulled without a registry):
 * the container is stopped by a shutdown hook of the test JVM, and carries the label
 * {@code dev.flamingo.test.run=$FLAMINGO_TEST_RUN} so that {@code bin/test} removes it if that JVM was killed.
 * Each {@link #create()} makes a new, empty database on that server and {@link #close()} drops it.
 */
public final class TestDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TestDatabase.class);
  public static final String ENV = "FLAMINGO_TEST_DATABASE_URL";
  public static final String MODE_ENV = "FLAMINGO_TEST_DATABASE";
  public static final String MODE_PROPERTY = "flamingo.test.database";
  public static final String IMAGE_ENV = "FLAMINGO_TEST_POSTGRES_IMAGE";
  public static final String PODMAN_SOCKET_ENV = "FLAMINGO_TEST_PODMAN_SOCKET";
  public static final String PODMAN_SOCKET = "/run/podman/podman.sock";
  public static final String PODMAN_IMAGE = "local/flamingo-postgres:15";
  public static final String DOCKER_IMAGE = "postgres:15-alpine";

  private static volatile Server server;
  private static volatile RuntimeException failure;

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
  public Connection connect() throws SQLException {
    var o = PgConnectOptions.fromUri(url());
    return DriverManager.getConnection("jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase(),
        o.getUser(), o.getPassword() == null || o.getPassword().isEmpty() ? null : o.getPassword());
  }

  /** Where the databases live (for the test log): "env", "testcontainers" or "local". */
  public static String source() {
    return server().source;
  }

  /** The mode in force: {@code FLAMINGO_TEST_DATABASE}, else {@code flamingo.test.database}, else "auto". */
  public static String mode() {
    String env = System.getenv(MODE_ENV);
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    String property = System.getProperty(MODE_PROPERTY);
    return property == null || property.isBlank() ? "auto" : property.trim();
  }

  /** The Podman socket the {@code podman} mode looks for. */
  public static Path podmanSocket() {
    String s = System.getenv(PODMAN_SOCKET_ENV);
    return Path.of(s == null || s.isBlank() ? PODMAN_SOCKET : s.trim());
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
    if (failure != null) {
      throw failure; // once per JVM: every later test class fails the same way, without another try
    }
    if (server == null) {
      try {
        server = pickServer();
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
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
    String mode = mode();
    switch (mode) {
      case "local":
        return local();
      case "testcontainers":
        if (dockerHost() == null && Files.exists(podmanSocket())) {
          return required(mode, "unix://" + podmanSocket(), PODMAN_IMAGE);
        }
        return required(mode, dockerHost(), DOCKER_IMAGE);
      case "podman":
        if (Files.exists(podmanSocket())) {
          return required(mode, "unix://" + podmanSocket(), PODMAN_IMAGE);
        }
        LOG.info("No Podman socket at {}: choosing the test database as in mode auto", podmanSocket());
        return auto();
      case "auto":
        return auto();
      default:
        throw new IllegalStateException(MODE_ENV + "/" + MODE_PROPERTY + " is '" + mode
            + "': use auto, podman, testcontainers or local");
    }
  }

  private static Server auto() {
    String dockerHost = dockerHost();
    if (dockerHost != null) {
      return required("auto with DOCKER_HOST set", dockerHost, DOCKER_IMAGE);
    }
    if (Files.exists(Path.of("/var/run/docker.sock"))) {
      try {
        return Containers.start(null, DOCKER_IMAGE);
      } catch (Throwable t) {
        LOG.warn("/var/run/docker.sock is there but Testcontainers cannot use it ({}); using the local PostgreSQL"
            + " (set {}=testcontainers to make this an error)", t.toString(), MODE_ENV);
      }
    }
    return local();
  }

  private static Server local() {
    return new Server("postgresql://postgres@127.0.0.1:5432", "local");
  }

  /** Testcontainers or a failure that says what to do: never a silent fall back to another server. */
  private static Server required(String why, String dockerHost, String defaultImage) {
    try {
      return Containers.start(dockerHost, defaultImage);
    } catch (Throwable t) {
      throw new IllegalStateException("A Testcontainers PostgreSQL is expected here (mode " + why + ", Docker API "
          + (dockerHost == null ? "found by Testcontainers" : dockerHost) + ") but it failed: " + t
          + ". Start Podman's API (podman system service --time=0 unix://" + PODMAN_SOCKET + " &), build the image "
          + "(bin/base-images), or set " + MODE_ENV + "=local; bin/test does the first two", t);
    }
  }

  private static String dockerHost() {
    String host = System.getenv("DOCKER_HOST");
    if (host == null || host.isBlank()) {
      host = System.getProperty("DOCKER_HOST");
    }
    return host == null || host.isBlank() ? null : host.trim();
  }

  /** Kept in its own class so Testcontainers is only loaded when a Docker API may be there. */
  private static final class Containers {
    static Server start(String dockerHost, String defaultImage) {
      if (dockerHost != null) {
        System.setProperty(ChosenDockerApiStrategy.PROPERTY, dockerHost);
      }
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        throw new IllegalStateException("no Docker API answers");
      }
      String image = System.getenv(IMAGE_ENV);
      if (image == null || image.isBlank()) {
        image = defaultImage;
      }
      String run = System.getenv("FLAMINGO_TEST_RUN");
      var pg = new PostgreSQLContainer<>(
          DockerImageName.parse(image.trim()).asCompatibleSubstituteFor("postgres"))
          .withLabel("dev.flamingo.test.run", run == null || run.isBlank() ? "none" : run);
      pg.start();
      // Ryuk is off (its image cannot be pulled here): the JVM stops its own container
      Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
      String base = "postgresql://" + pg.getUsername() + ":" + pg.getPassword() + "@" + pg.getHost() + ":"
          + pg.getMappedPort(5432);
      return new Server(base, "testcontainers");
    }
  }

  private record Server(String baseUri, String source) {
    void execute(String sql) {
      var parsed = PgConnectOptions.fromUri(baseUri + "/postgres");
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
