package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The per-item and per-account size limits (413), with small limits configured. */
class BlobLimitsTest {
  static final int MAX_BLOB = 1000;
  static final int MAX_ACCOUNT = 2500;
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass(new JsonObject()
      .put("FLAMINGO_MAX_BLOB_BYTES", Integer.toString(MAX_BLOB))
      .put("FLAMINGO_MAX_ACCOUNT_BYTES", Integer.toString(MAX_ACCOUNT)));

  /** A real GCM blob of exactly {@code size} bytes (plaintext + 16-byte tag). */
  static DataFixture.Sealed sealedOfSize(byte[] key, int size) {
    DataFixture.Sealed s = DataFixture.seal(key, "x".repeat(size - 16));
    assertEquals(size, s.size());
    return s;
  }

  static long put(long account, JsonObject body) {
    return f.call(Addresses.DATA_BLOB_PUT, account, body).getJsonObject("data").getLong("version");
  }

  @Test
  void limitsAreReported() {
    JsonObject limits = f.call(Addresses.DATA_LIMITS, DataFixture.newAccount(), new JsonObject()).getJsonObject("data");
    assertEquals(MAX_BLOB, limits.getLong("max_blob_bytes"));
    assertEquals(MAX_ACCOUNT, limits.getLong("max_account_bytes"));
    assertEquals(new JsonArray().add("history").add("environment").add("secret").add("collection").add("setting"),
        limits.getJsonArray("data_types"));
  }

  @Test
  void aBlobOverThePerItemLimitIs413() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    put(account, sealedOfSize(key, MAX_BLOB).body("history"));
    ServiceException e = f.fail(Addresses.DATA_BLOB_PUT, account, sealedOfSize(key, MAX_BLOB + 1).body("history"));
    assertEquals(413, e.status());
    assertEquals("encrypted_blob is larger than the limit of " + MAX_BLOB + " bytes", e.getMessage());
    assertTrue(e.getMessage().contains(Integer.toString(MAX_BLOB)));
    // the stored one is untouched
    assertEquals(MAX_BLOB, f.call(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "history"))
        .getJsonObject("data").getInteger("blob_size_bytes"));
  }

  @Test
  void theAccountTotalIsLimited() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    put(account, sealedOfSize(key, 900).body("history"));
    put(account, sealedOfSize(key, 900).body("environment"));
    // 900 + 900 + 900 > 2500
    ServiceException e = f.fail(Addresses.DATA_BLOB_PUT, account, sealedOfSize(key, 900).body("secret"));
    assertEquals(413, e.status());
    assertTrue(e.getMessage().startsWith(
        "Storage quota exceeded: this account may store " + MAX_ACCOUNT + " bytes and would store "), e.getMessage());
    assertTrue(e.getMessage().contains(Integer.toString(MAX_ACCOUNT)));
    assertEquals(404, f.fail(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "secret")).status());

    // exactly at the limit is fine: 900 + 900 + 700
    put(account, sealedOfSize(key, 700).body("secret"));
    // replacing an item counts its new size, not old + new: 800 + 900 + 700
    put(account, sealedOfSize(key, 800).body("history"));
    // 800 + 1000 + 700 = 2500
    put(account, sealedOfSize(key, 1000).body("environment"));
    // one more byte anywhere is too much
    ServiceException full = f.fail(Addresses.DATA_BLOB_PUT, account, sealedOfSize(key, 16).body("setting"));
    assertEquals(413, full.status());
    assertEquals(404, f.fail(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "setting")).status());
    // freeing space lets it in again: 800 + 1000 + 16 + 684
    f.call(Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", "secret"));
    put(account, sealedOfSize(key, 16).body("setting"));
    put(account, sealedOfSize(key, 684).body("collection"));
    JsonObject list = f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject()).getJsonObject("data");
    int total = 0;
    for (Object o : list.getJsonArray("items")) {
      total += ((JsonObject) o).getInteger("blob_size_bytes");
    }
    assertEquals(MAX_ACCOUNT, total);
    // another account has its own allowance
    long other = DataFixture.newAccount();
    put(other, sealedOfSize(key, 1000).body("history"));
  }
}
