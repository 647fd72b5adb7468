package dev.flamingo.sync.common.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * The one line a failed database connection gives says what to do about its cause, against real PostgreSQL and
 * real names: a host that does not resolve, a role that does not exist, a port where nothing listens.
 */
class DatabaseAdviceTest {
  static String failure(String url) {
    return assertThrows(DatabaseUnavailableException.class,
        () -> Database.ensureDatabase(new Settings(new JsonObject().put(Settings.DB_URL, url)))).getMessage();
  }

  @Test
  void aHostThatDoesNotResolveIsToBeChecked() {
    String m = failure("postgresql://postgres@no-such-host.invalid:5432/flamingo");
    assertTrue(m.contains("does not resolve: check the host in FLAMINGO_DB_URL"), m);
    assertFalse(m.contains("start PostgreSQL") || m.contains("Start PostgreSQL"), m);
  }

  @Test
  void aRoleThatDoesNotExistIsToBeChecked() {
    String m = failure("postgresql://no_such_role_26:Tr0ub4dor%263-wide-orbit@127.0.0.1:5432/flamingo");
    assertTrue(m.contains("refused this user or password: check the user and password"), m);
    assertFalse(m.contains("start PostgreSQL") || m.contains("Start PostgreSQL"), m);
    assertFalse(m.contains("Tr0ub4dor"), m);
  }

  @Test
  void nothingListeningMeansStartPostgres() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String m = failure("postgresql://postgres@127.0.0.1:" + port + "/flamingo");
    assertTrue(m.contains("start PostgreSQL"), m);
  }
}
