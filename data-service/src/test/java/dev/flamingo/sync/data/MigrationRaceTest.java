package dev.flamingo.sync.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Instances of a service start together (verticle instances in the one-JVM server, replicas in a
 * cluster) and each migrates its schema: on a fresh database they must not trip over each other. (A
 * guard: plain threads rarely hit the race; the one-JVM server start in BackupRestoreTest did, as a
 * duplicate flyway_schema_history row, before migrations took a session advisory lock.)
 */
class MigrationRaceTest {
  @Test
  void instancesMigratingOneSchemaAtOnceAllSucceedAndApplyEachVersionOnce() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 3; round++) {
        try (TestDatabase db = TestDatabase.create()) {
          Settings settings = new Settings(new JsonObject().put(Settings.DB_URL, db.url()));
          CountDownLatch start = new CountDownLatch(1);
          List<Future<?>> runs = new ArrayList<>();
          for (int i = 0; i < 4; i++) {
            runs.add(threads.submit(() -> {
              start.await();
              Database.migrate(settings, "data");
              return null;
            }));
          }
          start.countDown();
          for (Future<?> run : runs) {
            run.get(); // a failed migration throws here
          }
          try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
              "select count(*), count(distinct version) from data.flyway_schema_history where version is not null")) {
            rs.next();
            assertEquals(rs.getInt(2), rs.getInt(1), "each version applied once");
          }
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
