package dev.flamingo.sync.standalone;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/** The config every node of an end-to-end test shares: a fresh database and fresh secrets. */
final class TestConfig {
  private TestConfig() {}

  /**
   * A gateway keeps a validated token for an hour in tests (30 s by default): longer than any test's poll
   * deadline, so that a revoked token refused within one was evicted, not expired.
   */
  static final int AUTH_CACHE_SECONDS = 3600;

  static JsonObject base(String dbUrl) {
    return new JsonObject()
        .put(Settings.AUTH_CACHE_SECONDS, AUTH_CACHE_SECONDS)
        .put(Settings.DB_URL, dbUrl)
        .put(Settings.HTTP_HOST, "127.0.0.1")
        .put(Settings.HTTP_PORT, 0)
        .put(Settings.PUBLIC_URL, "http://flamingo.test")
        .put(Settings.JWT_SECRET, Tokens.randomHex(32))
        .put("FLAMINGO_KEK", Base64.getEncoder().encodeToString(Tokens.randomBytes(32)))
        .put("FLAMINGO_KEK_ID", "test")
        .put("FLAMINGO_AUDIT_FLUSH_MS", 100)
        // the admin tests sign in with a password alone; TwoFactorFlowTest turns the requirement on
        .put(Settings.ADMIN_2FA, "optional")
        .put(Settings.DB_POOL_SIZE, 4);
  }
}
