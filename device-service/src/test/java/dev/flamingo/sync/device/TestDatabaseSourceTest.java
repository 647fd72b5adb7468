package dev.flamingo.sync.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/**
 * This module's suite runs on a Testcontainers PostgreSQL whenever Podman's Docker API socket is there (mode
 * {@code podman}, set in this module's pom; bin/test starts the socket, so CI takes this path). Proves that
 * the path was really taken: the source, a port that is not the local server's, and a database that the
 * local server does not have. Where no socket is there, it checks that the local server (or
 * FLAMINGO_TEST_DATABASE_URL) was chosen instead.
 */
class TestDatabaseSourceTest {

  @Test
  void theDatabaseComesFromWhereTheModeSays() throws Exception {
    try (TestDatabase db = TestDatabase.create()) {
      boolean containerExpected = System.getenv(TestDatabase.ENV) == null
          && ("testcontainers".equals(TestDatabase.mode())
              || ("podman".equals(TestDatabase.mode()) && Files.exists(TestDatabase.podmanSocket())));
      if (!containerExpected) {
        assertNotEquals("testcontainers", TestDatabase.source(), "mode " + TestDatabase.mode());
        return;
      }
      assertEquals("testcontainers", TestDatabase.source(), "mode " + TestDatabase.mode());
      PgConnectOptions o = PgConnectOptions.fromUri(db.url());
      assertNotEquals(5432, o.getPort(), "a container's mapped port, not the local server's: " + o.getPort());
      try (Connection c = db.connect(); ResultSet r = c.createStatement().executeQuery("select current_database()")) {
        r.next();
        assertEquals(db.name(), r.getString(1));
      }
      // the local server on 5432 (if any) has no such database: the tests did not fall back to it
      try (Connection local = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", null);
           ResultSet r = local.createStatement().executeQuery(
               "select count(*) from pg_database where datname = '" + db.name() + "'")) {
        r.next();
        assertEquals(0, r.getInt(1), "the database was made on the local server");
      } catch (java.sql.SQLException noLocalServer) {
        assertFalse(noLocalServer.getMessage().isEmpty()); // no local server at all: nothing to fall back to
      }
    }
  }
}
