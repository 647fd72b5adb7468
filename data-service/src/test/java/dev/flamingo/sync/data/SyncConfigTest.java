package dev.flamingo.sync.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.data.DataType;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET/PUT /api/sync/config over the bus. */
class SyncConfigTest {
  static final Set<String> KEYS =
      Set.of("sync_history", "sync_environments", "sync_secrets", "sync_collections", "sync_settings");
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass();

  private static JsonObject get(long account) {
    return f.call(Addresses.DATA_CONFIG_GET, account, new JsonObject()).getJsonObject("data");
  }

  private static JsonObject put(long account, JsonObject body) {
    return f.call(Addresses.DATA_CONFIG_PUT, account, body).getJsonObject("data");
  }

  @Test
  void defaultsAreAllTrueWithNullUpdatedAt() {
    JsonObject config = get(DataFixture.newAccount());
    assertEquals(6, config.size(), config.encode());
    KEYS.forEach(k -> assertEquals(Boolean.TRUE, config.getValue(k), k));
    assertTrue(config.containsKey("updated_at"));
    assertNull(config.getValue("updated_at"));
  }

  @Test
  void partialPutReturnsOnlyAppliedFieldsAndGetReflectsIt() {
    long account = DataFixture.newAccount();
    JsonObject applied = put(account, new JsonObject().put("sync_secrets", false));
    assertEquals(Set.of("sync_secrets", "updated_at"), applied.fieldNames());
    assertEquals(false, applied.getBoolean("sync_secrets"));
    String updatedAt = applied.getString("updated_at");
    assertNotNull(updatedAt);
    Instant.parse(updatedAt);

    JsonObject config = get(account);
    assertEquals(false, config.getBoolean("sync_secrets"));
    assertEquals(true, config.getBoolean("sync_history"));
    assertEquals(true, config.getBoolean("sync_environments"));
    assertEquals(true, config.getBoolean("sync_collections"));
    assertEquals(true, config.getBoolean("sync_settings"));
    assertEquals(updatedAt, config.getString("updated_at"));

    // a second partial update keeps what it does not name
    JsonObject second = put(account, new JsonObject().put("sync_history", false).put("sync_secrets", true));
    assertEquals(Set.of("sync_history", "sync_secrets", "updated_at"), second.fieldNames());
    JsonObject after = get(account);
    assertEquals(false, after.getBoolean("sync_history"));
    assertEquals(true, after.getBoolean("sync_secrets"));
    assertEquals(true, after.getBoolean("sync_settings"));
    assertTrue(!Instant.parse(after.getString("updated_at")).isBefore(Instant.parse(updatedAt)));
  }

  @Test
  void invalidFieldsAreIgnoredWhenSomeAreValid() {
    long account = DataFixture.newAccount();
    JsonObject applied = put(account, new JsonObject()
        .put("sync_history", false).put("sync_settings", "no").put("bogus", true).put("sync_collections", 0));
    assertEquals(Set.of("sync_history", "updated_at"), applied.fieldNames());
    JsonObject config = get(account);
    assertEquals(false, config.getBoolean("sync_history"));
    assertEquals(true, config.getBoolean("sync_settings"));
    assertEquals(true, config.getBoolean("sync_collections"));
    assertTrue(!config.containsKey("bogus"));
  }

  @Test
  void onlyNonBooleanOrUnknownFieldsIs400() {
    long account = DataFixture.newAccount();
    for (JsonObject body : new JsonObject[] {
        new JsonObject(),
        new JsonObject().put("sync_history", "false"),
        new JsonObject().put("sync_history", 0).put("sync_secrets", 1),
        new JsonObject().putNull("sync_settings"),
        new JsonObject().put("unknown", true).put("SYNC_HISTORY", false)}) {
      ServiceException e = f.fail(Addresses.DATA_CONFIG_PUT, account, body);
      assertEquals(400, e.status(), body.encode());
      assertEquals("No valid fields to update", e.getMessage());
    }
    // nothing was written
    assertNull(get(account).getValue("updated_at"));
  }

  /**
   * Every {@link DataType} has its switch end to end: the key in the defaults, a {@code sync_config} column (the
   * migration), the config upsert built from the list, and the blob PUT's check of that column. A type added to the
   * enum without its migration fails here.
   */
  @Test
  void everyDataTypeHasItsSwitchFromTheDefaultsToTheBlobPut() {
    assertEquals(KEYS, Set.copyOf(DataType.configKeys()), "the contract's keys (docs/protocol.md)");
    JsonObject defaults = get(DataFixture.newAccount());
    assertEquals(DataType.ALL.size() + 1, defaults.size(), defaults.encode());
    DataFixture.Sealed sealed = DataFixture.seal(DataFixture.randomBytes(32), "x");
    for (DataType type : DataType.ALL) {
      assertEquals(Boolean.TRUE, defaults.getValue(type.configKey()), type.configKey());
      long account = DataFixture.newAccount();
      assertEquals(false, put(account, new JsonObject().put(type.configKey(), false)).getBoolean(type.configKey()));
      JsonObject config = get(account);
      for (DataType other : DataType.ALL) {
        assertEquals(other != type, config.getBoolean(other.configKey()), type + ": " + config.encode());
      }
      ServiceException off = f.fail(Addresses.DATA_BLOB_PUT, account, sealed.body(type.wireName()));
      assertEquals(409, off.status(), type.wireName());
      assertEquals("Sync of " + type.wireName() + " is disabled in sync config", off.getMessage());
      put(account, new JsonObject().put(type.configKey(), true));
      f.call(Addresses.DATA_BLOB_PUT, account, sealed.body(type.wireName()));
      assertEquals(Boolean.TRUE, get(account).getBoolean(type.configKey()));
    }
  }

  @Test
  void withoutAnAccountIs401() {
    ServiceException e = f.fail(Addresses.DATA_CONFIG_GET, null, new JsonObject());
    assertEquals(401, e.status());
    assertEquals("Unauthorized", e.getMessage());
  }
}
