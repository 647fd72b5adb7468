package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operators' tools on an account's data: per-account quotas, usage, totals, and the purge of a deleted account. */
class AccountDataTest {
  static final int DEFAULT_QUOTA = 2500;
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass(
      new JsonObject().put("FLAMINGO_MAX_ACCOUNT_BYTES", Integer.toString(DEFAULT_QUOTA)));

  static JsonObject anon(String address, JsonObject body) {
    return f.send(address, null, body).await().body();
  }

  static JsonObject quota(long account, Object bytes) {
    return f.call(Addresses.DATA_ADMIN_QUOTA_PUT, 1L, new JsonObject().put("account_id", account).put("quota_bytes", bytes))
        .getJsonObject("data");
  }

  @Test
  void anAccountsOwnQuotaReplacesTheDefaultForItAloneAndNullRestoresIt() {
    long small = DataFixture.newAccount();
    long other = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    assertEquals(1000L, quota(small, 1000).getLong("quota_bytes"));
    f.call(Addresses.DATA_BLOB_PUT, small, BlobLimitsTest.sealedOfSize(key, 600).body("history"));
    ServiceException over = f.fail(Addresses.DATA_BLOB_PUT, small, BlobLimitsTest.sealedOfSize(key, 500).body("secret"));
    assertEquals(413, over.status());
    assertEquals("Storage quota exceeded: this account may store 1000 bytes and would store 1100", over.getMessage());
    assertEquals(new JsonObject().put("quota_bytes", 1000L).put("used_bytes", 1100L), over.data());
    f.call(Addresses.DATA_BLOB_PUT, other, BlobLimitsTest.sealedOfSize(key, 2000).body("history"));
    JsonObject limits = f.call(Addresses.DATA_LIMITS, small, new JsonObject()).getJsonObject("data");
    assertEquals(1000L, limits.getLong("max_account_bytes"));
    assertEquals(600L, limits.getLong("used_bytes"));

    JsonObject restored = quota(small, null);
    assertNull(restored.getValue("quota_bytes"));
    assertEquals((long) DEFAULT_QUOTA, restored.getLong("default_quota_bytes"));
    f.call(Addresses.DATA_BLOB_PUT, small, BlobLimitsTest.sealedOfSize(key, 500).body("secret"));
    assertEquals((long) DEFAULT_QUOTA, f.call(Addresses.DATA_LIMITS, small, new JsonObject()).getJsonObject("data")
        .getLong("max_account_bytes"));
    assertEquals(400, f.fail(Addresses.DATA_ADMIN_QUOTA_PUT, 1L, new JsonObject().put("account_id", small)
        .put("quota_bytes", -5)).status());
    assertEquals(400, f.fail(Addresses.DATA_ADMIN_QUOTA_PUT, 1L, new JsonObject().put("account_id", "x")
        .put("quota_bytes", 5)).status());
  }

  @Test
  void usageAndTotalsCountWhatIsStored() {
    long a = DataFixture.newAccount();
    long empty = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    f.call(Addresses.DATA_BLOB_PUT, a, BlobLimitsTest.sealedOfSize(key, 300).body("history"));
    f.call(Addresses.DATA_BLOB_PUT, a, BlobLimitsTest.sealedOfSize(key, 200).body("setting"));
    quota(a, 9999);
    JsonObject usage = anon(Addresses.DATA_ADMIN_USAGE, new JsonObject()
        .put("account_ids", new JsonArray().add(a).add(empty))).getJsonObject("data").getJsonObject("usage");
    assertEquals(new JsonObject().put("bytes", 500L).put("blobs", 2L).put("quota_bytes", 9999L).put("revision_bytes", 0L), usage.getJsonObject(String.valueOf(a)));
    assertEquals(new JsonObject().put("bytes", 0L).put("blobs", 0L).putNull("quota_bytes").put("revision_bytes", 0L), usage.getJsonObject(String.valueOf(empty)));
    JsonObject totals = anon(Addresses.DATA_ADMIN_TOTALS, new JsonObject()).getJsonObject("data");
    assertTrue(totals.getLong("bytes") >= 500 && totals.getLong("blobs") >= 2, totals.encode());
    assertEquals(400, f.fail(Addresses.DATA_ADMIN_USAGE, null, new JsonObject().put("account_ids", "1,2")).status());
  }

  @Test
  void aPurgeRemovesEveryRowOfTheAccountAndOnlyItsAndRepeats() {
    long doomed = DataFixture.newAccount();
    long kept = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    for (long account : new long[] {doomed, kept}) {
      f.call(Addresses.DATA_BLOB_PUT, account, BlobLimitsTest.sealedOfSize(key, 100).body("history"));
      f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", DataFixture.b64(key)));
      f.call(Addresses.DATA_CONFIG_PUT, account, new JsonObject().put("sync_secrets", false));
      quota(account, 5000);
    }
    // blob, key, config, quota (the change counter row stays, marked as being deleted)
    assertEquals(4, anon(Addresses.DATA_ACCOUNT_PURGE, new JsonObject().put("account_id", doomed))
        .getJsonObject("data").getInteger("rows"));
    assertEquals(0, anon(Addresses.DATA_ACCOUNT_PURGE, new JsonObject().put("account_id", doomed))
        .getJsonObject("data").getInteger("rows"), "again: nothing left");
    assertEquals(0, f.call(Addresses.DATA_BLOB_LIST, doomed, new JsonObject()).getJsonObject("data").getJsonArray("items").size());
    assertNull(f.call(Addresses.DATA_KEY_GET, doomed, new JsonObject()).getValue("data"));
    assertEquals(true, f.call(Addresses.DATA_CONFIG_GET, doomed, new JsonObject()).getJsonObject("data").getBoolean("sync_secrets"));
    assertEquals(1, f.call(Addresses.DATA_BLOB_LIST, kept, new JsonObject()).getJsonObject("data").getJsonArray("items").size());
    assertEquals(5000L, f.call(Addresses.DATA_LIMITS, kept, new JsonObject()).getJsonObject("data").getLong("max_account_bytes"));
  }
}
