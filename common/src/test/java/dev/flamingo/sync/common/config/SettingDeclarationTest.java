package dev.flamingo.sync.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The declaration of every setting: well formed, and its defaults are what the readers get. */
class SettingDeclarationTest {
  static final Settings NONE = new Settings(new JsonObject());

  @Test
  void everyNameIsAFlamingoNameWithADescription() {
    for (Setting s : Setting.values()) {
      assertTrue(s.key().matches("FLAMINGO_[A-Z0-9_]+"), s.key());
      assertFalse(s.description().isBlank(), s.key());
      assertFalse(s.shown().isBlank(), s.key());
      assertFalse(s.description().contains("|") || s.description().contains("\n"), s.key() + ": one table cell");
      assertEquals(s.kind() == Setting.Kind.SIZE, s.key().endsWith("_BYTES"), s.key() + ": sizes end in _BYTES");
    }
  }

  @Test
  void knownNamesAreFoundAndOthersAreNot() {
    assertEquals(Optional.of(Setting.PUBLIC_URL), Setting.byKey("FLAMINGO_PUBLIC_URL"));
    assertEquals(Optional.empty(), Setting.byKey("FLAMINGO_PUBLIC_ULR"));
  }

  /** Every default reads as its kind (a bad default would fail every start that does not set it). */
  @Test
  void everyDefaultReadsAsItsKind() {
    for (Setting s : Setting.values()) {
      switch (s.kind()) {
        case NUMBER, SIZE -> NONE.number(s);
        case YES_NO -> NONE.bool(s);
        case LIST -> assertNotNull(NONE.list(s));
        case RATE -> assertTrue(NONE.string(s).matches("\\d+/\\d+"), s.key());
        case TEXT -> NONE.string(s);
      }
    }
  }

  /** The defaults that were written inline in the readers before the declaration, unchanged by the move. */
  @Test
  void theDefaultsAreTheReadersFormerOnes() {
    assertEquals("postgresql://postgres@127.0.0.1:5432/flamingo", NONE.dbUrl());
    assertEquals(8, NONE.integer(Setting.DB_POOL_SIZE));
    assertEquals("0.0.0.0", NONE.string(Setting.HTTP_HOST));
    assertEquals(8080, NONE.integer(Setting.HTTP_PORT));
    assertEquals("http://localhost:8080", NONE.publicUrl());
    assertEquals("http://localhost:9000", NONE.with(Settings.HTTP_PORT, 9000).publicUrl());
    assertEquals(10L * 1024 * 1024, NONE.number(Setting.MAX_BODY_BYTES));
    assertEquals(16L * 1024, NONE.number(Setting.MAX_JSON_BYTES));
    assertEquals(60, NONE.integer(Setting.IDLE_TIMEOUT_SECONDS));
    assertEquals(15_000, NONE.number(Setting.REQUEST_TIMEOUT_MS));
    assertEquals(10_000, NONE.number(Setting.BUS_TIMEOUT_MS));
    assertEquals(List.of(), NONE.list(Setting.TRUSTED_PROXIES));
    assertEquals(30, NONE.number(Setting.AUTH_CACHE_SECONDS));
    assertEquals(List.of("30/60", "300/60", "60/60", "10/60", "10/3600", "20/900", "10/60", "10/900", "5/3600"),
        List.of(Setting.RATE_LIMIT_INIT, Setting.RATE_LIMIT_TOKEN, Setting.RATE_LIMIT_SERVER, Setting.RATE_LIMIT_LOGIN,
            Setting.RATE_LIMIT_REGISTER, Setting.RATE_LIMIT_LOGIN_EMAIL, Setting.RATE_LIMIT_CLAIM,
            Setting.RATE_LIMIT_CLAIM_ACCOUNT, Setting.RATE_LIMIT_EXPORT).stream().map(NONE::string).toList());
    assertTrue(NONE.bool(Setting.SIGNUPS_ALLOWED));
    assertEquals(12, NONE.number(Setting.BROWSER_LOGIN_HOURS));
    assertEquals(300, NONE.integer(Setting.TEMP_TOKEN_TTL_SECONDS));
    assertEquals(90, NONE.integer(Setting.SESSION_TTL_DAYS));
    assertEquals(3600, NONE.number(Setting.CLEANUP_INTERVAL_SECONDS));
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(cores, NONE.integer(Setting.HASHING_CONCURRENCY));
    assertEquals(2 * cores, NONE.integer(Setting.HASHING_QUEUE));
    assertEquals(6, NONE.with(Settings.HASHING_CONCURRENCY, 3).integer(Setting.HASHING_QUEUE));
    assertEquals(2, NONE.with(Settings.HASHING_CONCURRENCY, 0).integer(Setting.HASHING_QUEUE), "twice max(1, n)");
    assertEquals(cores, NONE.integer(Setting.GATEWAY_INSTANCES));
    assertEquals(cores, NONE.integer(Setting.SERVICE_INSTANCES));
    assertEquals(null, NONE.string(Setting.SECRETS_DIR));
    assertEquals(null, NONE.string(Setting.JWT_SECRET));
    assertEquals("flamingo", NONE.string(Setting.CLUSTER_NAME));
    assertEquals("127.0.0.1", NONE.string(Setting.CLUSTER_HOST));
    assertEquals(5701, NONE.integer(Setting.CLUSTER_PORT));
    assertEquals(0, NONE.integer(Setting.CLUSTER_BUS_PORT));
    assertEquals(null, NONE.string(Setting.CLUSTER_TLS_DIR));
    assertFalse(NONE.bool(Setting.CLUSTER_INSECURE));
    assertEquals("jdk", NONE.string(Setting.CLUSTER_TLS_ENGINE));
    assertEquals(0, NONE.integer(Setting.OPS_PORT));
    assertEquals("EVENT_BUS,HTTP_SERVER", Setting.METRICS_DISABLED.defaultValue(NONE));
    assertEquals(null, NONE.configured(Setting.KEK));
    assertEquals(null, NONE.configured(Setting.KEK_ID));
    assertEquals("k1", NONE.string(Setting.KEK_ID));
    assertEquals(5L * 1024 * 1024, NONE.number(Setting.MAX_BLOB_BYTES));
    assertEquals(25L * 1024 * 1024, NONE.number(Setting.MAX_ACCOUNT_BYTES));
    assertEquals(5000, NONE.number(Setting.LAST_SEEN_FLUSH_MS));
    assertEquals(1000, NONE.number(Setting.AUDIT_FLUSH_MS));
    assertEquals(200, NONE.integer(Setting.AUDIT_BATCH_SIZE));
    assertEquals(10_000, NONE.integer(Setting.AUDIT_BUFFER_MAX));
    assertEquals(90, NONE.integer(Setting.AUDIT_RETENTION_DAYS));
    assertEquals(30, NONE.integer(Setting.REVOKED_DEVICE_RETENTION_DAYS));
    assertEquals(5000, NONE.number(Setting.DEVICE_AUTH_TIMEOUT_MS));
  }

  @Test
  void aSetValueWinsAndABlankOneIsUnset() {
    assertEquals(9090, NONE.with(Settings.HTTP_PORT, "9090").integer(Setting.HTTP_PORT));
    assertEquals(8080, NONE.with(Settings.HTTP_PORT, "  ").integer(Setting.HTTP_PORT));
    assertEquals(512L * 1024, NONE.with(Settings.MAX_JSON_BYTES, "512KiB").number(Setting.MAX_JSON_BYTES));
    assertEquals("https://sync.example.com", NONE.with(Settings.PUBLIC_URL, "https://sync.example.com/").publicUrl());
  }
}
