package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.b64;
import static dev.flamingo.sync.data.DataFixture.open;
import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static dev.flamingo.sync.data.DataFixture.seal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One account never sees, lists, deletes or replaces another's data. */
class AccountIsolationTest {
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass();

  @Test
  void anotherAccountSeesNothingOfA() {
    long a = DataFixture.newAccount();
    long b = DataFixture.newAccount();
    byte[] keyA = randomBytes(32);
    f.call(Addresses.DATA_KEY_PUT, a, new JsonObject().put("master_key", b64(keyA)));
    Map<String, DataFixture.Sealed> blobs = new HashMap<>();
    Map<String, Long> versions = new HashMap<>();
    for (String type : DataFixture.TYPES) {
      DataFixture.Sealed s = seal(keyA, DataFixture.plaintext(type, 1));
      blobs.put(type, s);
      versions.put(type, f.call(Addresses.DATA_BLOB_PUT, a, s.body(type)).getJsonObject("data").getLong("version"));
    }

    // B: no key, no items, nothing listed
    assertNull(f.call(Addresses.DATA_KEY_GET, b, new JsonObject()).getValue("data"));
    for (String type : DataFixture.TYPES) {
      ServiceException e = f.fail(Addresses.DATA_BLOB_GET, b, new JsonObject().put("type", type));
      assertEquals(404, e.status());
      assertTrue(e.getMessage().contains("Not found"));
      // not even with A's ETag
      assertEquals(404, f.fail(Addresses.DATA_BLOB_GET, b,
          new JsonObject().put("type", type).put("if_none_match", "\"" + versions.get(type) + "\"")).status());
    }
    JsonObject list = f.call(Addresses.DATA_BLOB_LIST, b, new JsonObject()).getJsonObject("data");
    assertEquals(0, list.getInteger("count"));
    assertTrue(list.getJsonArray("items").isEmpty());
    assertEquals(0L, list.getLong("latest_version"));
    assertEquals(0, f.call(Addresses.DATA_BLOB_LIST, b, new JsonObject().put("since", "0"))
        .getJsonObject("data").getInteger("count"));

    // B cannot delete A's items, with or without A's version
    for (String type : DataFixture.TYPES) {
      assertEquals(404, f.fail(Addresses.DATA_BLOB_DELETE, b, new JsonObject().put("type", type)).status());
      assertEquals(404, f.fail(Addresses.DATA_BLOB_DELETE, b,
          new JsonObject().put("type", type).put("if_match", "\"" + versions.get(type) + "\"")).status());
    }
    // nor replace them conditionally with A's version
    ServiceException cond = f.fail(Addresses.DATA_BLOB_PUT, b,
        seal(randomBytes(32), "[]").body("history").put("if_match", "\"" + versions.get("history") + "\""));
    assertEquals(412, cond.status());
    assertNull(cond.data().getValue("version"));

    // B's own key and rotation touch only B
    byte[] keyB = randomBytes(32);
    assertEquals(1, f.call(Addresses.DATA_KEY_PUT, b, new JsonObject().put("master_key", b64(keyB)))
        .getJsonObject("data").getInteger("version"));
    f.call(Addresses.DATA_BLOB_PUT, b, seal(keyB, "[]").body("history"));
    f.call(Addresses.DATA_KEY_PUT, b, new JsonObject().put("master_key", b64(randomBytes(32))).put("expected_version", 1));
    f.call(Addresses.DATA_CONFIG_PUT, b, new JsonObject().put("sync_history", false));

    // A is intact
    JsonObject keyOfA = f.call(Addresses.DATA_KEY_GET, a, new JsonObject()).getJsonObject("data");
    assertEquals(b64(keyA), keyOfA.getString("master_key"));
    assertEquals(1, keyOfA.getInteger("version"));
    assertEquals(true, f.call(Addresses.DATA_CONFIG_GET, a, new JsonObject()).getJsonObject("data")
        .getBoolean("sync_history"));
    JsonObject listA = f.call(Addresses.DATA_BLOB_LIST, a, new JsonObject()).getJsonObject("data");
    assertEquals(5, listA.getInteger("count"));
    for (String type : DataFixture.TYPES) {
      JsonObject item = f.call(Addresses.DATA_BLOB_GET, a, new JsonObject().put("type", type)).getJsonObject("data");
      assertEquals(versions.get(type), item.getLong("version"));
      assertEquals(blobs.get(type).plaintext(), open(keyA, item.getString("encrypted_blob"), item.getString("nonce")));
    }
  }

  @Test
  void requestsWithoutAnAccountAre401() {
    JsonObject typed = new JsonObject().put("type", "history");
    for (var call : Map.of(
        Addresses.DATA_KEY_GET, new JsonObject(),
        Addresses.DATA_KEY_PUT, new JsonObject().put("master_key", b64(randomBytes(32))),
        Addresses.DATA_BLOB_LIST, new JsonObject(),
        Addresses.DATA_BLOB_GET, typed,
        Addresses.DATA_BLOB_PUT, seal(randomBytes(32), "[]").body("history"),
        Addresses.DATA_BLOB_DELETE, typed,
        Addresses.DATA_CONFIG_PUT, new JsonObject().put("sync_history", false)).entrySet()) {
      ServiceException e = f.fail(call.getKey(), null, call.getValue());
      assertEquals(401, e.status(), call.getKey());
      assertEquals("Unauthorized", e.getMessage());
    }
  }
}
