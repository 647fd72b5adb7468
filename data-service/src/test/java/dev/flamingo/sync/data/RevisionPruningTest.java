package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention (KEEP per type, DAYS) and the quota: revisions count against it, the oldest go first, never the current
 * version, and a PUT is refused only when the current data alone would not fit. Every write keeps (EVERY 0).
 */
class RevisionPruningTest {
  static final int QUOTA = 3000;
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass(new JsonObject()
      .put("FLAMINGO_REVISIONS_EVERY", "0")
      .put("FLAMINGO_REVISIONS_KEEP", "3")
      .put("FLAMINGO_MAX_ACCOUNT_BYTES", Integer.toString(QUOTA)));

  static long put(long account, byte[] key, int size, String type) {
    return f.call(Addresses.DATA_BLOB_PUT, account, BlobLimitsTest.sealedOfSize(key, size).body(type))
        .getJsonObject("data").getLong("version");
  }

  static List<Long> versions(long account, String type) {
    JsonArray items = f.call(Addresses.DATA_REVISIONS_LIST, account, new JsonObject().put("type", type))
        .getJsonObject("data").getJsonArray("items");
    List<Long> versions = new ArrayList<>();
    items.forEach(i -> versions.add(((JsonObject) i).getLong("version")));
    return versions;
  }

  @Test
  void atMostKeepRevisionsOfATypeStay() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    List<Long> written = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      written.add(put(account, key, 100, "history"));
    }
    // the 5 replaced versions were kept, the 3 newest stay, newest first
    assertEquals(List.of(written.get(4), written.get(3), written.get(2)), versions(account, "history"));
    f.call(Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", "history"));
    assertEquals(List.of(written.get(5), written.get(4), written.get(3)), versions(account, "history"));
  }

  @Test
  void revisionsOlderThanTheRetentionDaysGo() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long v1 = put(account, key, 100, "setting");
    long v2 = put(account, key, 100, "setting");
    put(account, key, 100, "setting");
    assertEquals(List.of(v2, v1), versions(account, "setting"));
    RevisionsTest.count(f, "update data.blob_revisions set kept_at = now() - interval '31 days' "
        + "where version = " + v1 + " and account_id = ? returning 1", account);
    // past the retention it is not shown, and the next write deletes it
    assertEquals(List.of(v2), versions(account, "setting"));
    long v3 = put(account, key, 100, "environment");
    assertEquals(0, RevisionsTest.count(f, "select count(*) from data.blob_revisions where version = " + v1
        + " and account_id = ?", account));
    assertEquals(List.of(v2), versions(account, "setting"));
    assertEquals(List.of(), versions(account, "environment"), "v" + v3 + " replaced nothing");
  }

  @Test
  void overQuotaTheOldestRevisionsGoFirstNeverTheCurrentVersion() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long h1 = put(account, key, 800, "history");
    long h2 = put(account, key, 800, "history"); // current 800, kept h1: 1600
    long s1 = put(account, key, 600, "setting"); // 2200
    long h3 = put(account, key, 800, "history"); // keeps h2: 3000, at the quota
    assertEquals(List.of(h2, h1), versions(account, "history"));
    long s2 = put(account, key, 600, "setting"); // keeps s1: 3600, so the oldest (h1) goes: 2800
    assertEquals(List.of(h2), versions(account, "history"));
    assertEquals(List.of(s1), versions(account, "setting"));
    long h4 = put(account, key, 1400, "history"); // current 2000, keeps h3: 2000 + 800 + 1400, h2 and s1 go: 2800
    assertEquals(List.of(h3), versions(account, "history"));
    assertEquals(List.of(), versions(account, "setting"));
    // refused only when the current data alone would not fit (2000 + 1001), and then nothing goes
    assertEquals(413, f.fail(Addresses.DATA_BLOB_PUT, account,
        BlobLimitsTest.sealedOfSize(key, 1001).body("environment")).status());
    assertEquals(List.of(h3), versions(account, "history"));
    // exactly at the quota with current data alone: the last revision goes, the current versions are whole
    put(account, key, 1000, "environment");
    assertEquals(List.of(), versions(account, "history"));
    assertEquals(h4, f.call(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "history"))
        .getJsonObject("data").getLong("version"));
    assertEquals(s2, f.call(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "setting"))
        .getJsonObject("data").getLong("version"));
  }

  @Test
  void whatAWriteReplacesIsNotKeptWhenItWouldNotFitBesideTheCurrentData() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    put(account, key, 1600, "history");
    put(account, key, 1400, "history"); // keeps the 1600: 1400 + 1600 fits the quota exactly
    assertEquals(1, versions(account, "history").size());
    put(account, key, 1700, "history"); // 1700 + 1400 > 3000: not kept, and the older one goes
    assertEquals(List.of(), versions(account, "history"));
  }
}
