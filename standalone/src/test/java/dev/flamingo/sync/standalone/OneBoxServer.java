package dev.flamingo.sync.standalone;

import dev.flamingo.sync.auth.admin.AdminCommand;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.TestCluster;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assertions;

/**
 * The one-box server (every verticle in one JVM, as {@code bin/standalone} runs it) for a test: a fresh
 * database, the shared test config plus the test's own settings, and a client on its port. Closing it
 * closes the client, the server and the database.
 */
record OneBoxServer(TestDatabase db, Vertx vertx, int port, ApiClient api) implements AutoCloseable {
  /** Starts on a free port with {@link TestConfig#base} plus {@code settings}. */
  static OneBoxServer start(JsonObject settings) {
    return start(TestCluster.freePort(), settings);
  }

  /** Starts on {@code port} (for a test whose settings name the port, e.g. its public URL). */
  static OneBoxServer start(int port, JsonObject settings) {
    TestDatabase db = TestDatabase.create();
    Vertx vertx = null;
    try {
      vertx = Vertx.vertx();
      JsonObject config = TestConfig.base(db.url()).put(Settings.HTTP_PORT, port).mergeIn(settings);
      Services.deployAll(vertx, new Settings(config)).await();
      return new OneBoxServer(db, vertx, port, new ApiClient(vertx, port));
    } catch (RuntimeException e) {
      if (vertx != null) {
        vertx.close().await();
      }
      db.close();
      throw e;
    }
  }

  /**
   * The operator's command {@code admin VERB EMAIL} (grant, revoke, enable) against this server's database, as
   * {@code bin/standalone admin ...} runs it; its exit code.
   */
  int operator(String verb, String email) {
    return AdminCommand.run(new Settings(TestConfig.base(db.url())),
        new String[] {"admin", verb, email});
  }

  /** Grants {@code email}'s account the admin role with the operator's command (fails the test otherwise). */
  void grantAdmin(String email) {
    Assertions.assertEquals(0, operator("grant", email), "admin grant " + email);
  }

  @Override
  public void close() {
    try {
      api.close();
      vertx.close().await();
    } finally {
      db.close();
    }
  }
}
