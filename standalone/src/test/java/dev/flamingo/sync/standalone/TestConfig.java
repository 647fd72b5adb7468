package dev.flamingo.sync.standalone;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/** The config every node of an end-to-end test shares: a fresh database and fresh secrets. */
final class TestConfig {
  private TestConfig() {}

  static JsonObject base(String dbUrl) {
    return new JsonObject()
        .put(Settings.DB_URL, dbUrl)
        .put(Settings.HTTP_HOST, "127.0.0.1")
        .put(Settings.HTTP_PORT, 0)
        .put(Settings.PUBLIC_URL, "http://flamingo.test")
        .put(Settings.JWT_SECRET, Tokens.randomHex(32))
        .put("FLAMINGO_KEK", Base64.getEncoder().encodeToString(Tokens.randomBytes(32)))
        .put("FLAMINGO_KEK_ID", "test")
        .put("FLAMINGO_AUDIT_FLUSH_MS", 100)
        .put(Settings.DB_POOL_SIZE, 4);
  }
}
