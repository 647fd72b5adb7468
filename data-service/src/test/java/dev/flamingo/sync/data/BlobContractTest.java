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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PUT/GET/DELETE /api/sync/data/{type} and GET /api/sync/data, as the gateway sends them. */
class BlobContractTest {
  static final Set<String> ITEM_FIELDS =
      Set.of("data_type", "encrypted_blob", "nonce", "version", "checksum", "blob_size_bytes", "updated_at");
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass();

  static JsonObject put(long account, JsonObject body) {
    return f.call(Addresses.DATA_BLOB_PUT, account, body);
  }

  static JsonObject get(long account, String type) {
    return f.call(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", type));
  }

  static JsonObject list(long account, String since) {
    JsonObject body = new JsonObject();
    if (since != null) {
      body.put("since", since);
    }
    return f.call(Addresses.DATA_BLOB_LIST, account, body).getJsonObject("data");
  }

  static void assertFails(int status, String message, long account, JsonObject body) {
    ServiceException e = f.fail(Addresses.DATA_BLOB_PUT, account, body);
    assertEquals(status, e.status(), body.encode());
    assertEquals(message, e.getMessage(), body.encode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"history", "environment", "secret", "collection", "setting"})
  void roundTripOfEveryType(String type) {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    DataFixture.Sealed sealed = seal(key, DataFixture.plaintext(type, 1));

    JsonObject reply = put(account, sealed.body(type));
    JsonObject data = reply.getJsonObject("data");
    assertEquals(Set.of("data_type", "version", "blob_size_bytes"), data.fieldNames());
    assertEquals(type, data.getString("data_type"));
    long version = data.getLong("version");
    assertTrue(version >= 1);
    assertEquals(sealed.size(), data.getInteger("blob_size_bytes"));
    assertEquals(sealed.plaintext().length() + 16, sealed.size());
    String etag = reply.getJsonObject("headers").getString("ETag");
    assertEquals("\"" + version + "\"", etag);
    String lastModified = reply.getJsonObject("headers").getString("Last-Modified");
    ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME);
    assertTrue(lastModified.matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"),
        "an IMF-fixdate: " + lastModified);

    JsonObject got = get(account, type);
    JsonObject item = got.getJsonObject("data");
    assertEquals(ITEM_FIELDS, item.fieldNames());
    assertEquals(type, item.getString("data_type"));
    assertEquals(sealed.blob(), item.getString("encrypted_blob"));
    assertEquals(sealed.nonce(), item.getString("nonce"));
    assertEquals(version, item.getLong("version"));
    assertEquals(sealed.checksum(), item.getString("checksum"));
    assertEquals(sealed.size(), item.getInteger("blob_size_bytes"));
    Instant updated = Instant.parse(item.getString("updated_at"));
    assertEquals(sealed.plaintext(), open(key, item.getString("encrypted_blob"), item.getString("nonce")));
    assertEquals(etag, got.getJsonObject("headers").getString("ETag"));
    assertEquals(updated.truncatedTo(ChronoUnit.SECONDS), ZonedDateTime.parse(
        got.getJsonObject("headers").getString("Last-Modified"), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    assertEquals(lastModified, got.getJsonObject("headers").getString("Last-Modified"));
    assertNull(got.getValue("status"));

    // conditional GET
    JsonObject notModified = f.call(Addresses.DATA_BLOB_GET, account,
        new JsonObject().put("type", type).put("if_none_match", etag));
    assertEquals(304, notModified.getInteger("status"));
    assertNull(notModified.getValue("data"));
    assertEquals(etag, notModified.getJsonObject("headers").getString("ETag"));
    JsonObject weak = f.call(Addresses.DATA_BLOB_GET, account,
        new JsonObject().put("type", type).put("if_none_match", "\"999999\", W/" + etag));
    assertEquals(304, weak.getInteger("status"));
    JsonObject modified = f.call(Addresses.DATA_BLOB_GET, account,
        new JsonObject().put("type", type).put("if_none_match", "\"" + (version + 1000) + "\""));
    assertNull(modified.getValue("status"));
    assertEquals(sealed.blob(), modified.getJsonObject("data").getString("encrypted_blob"));

    JsonObject listed = list(account, null);
    assertEquals(1, listed.getInteger("count"));
    assertEquals(item, listed.getJsonArray("items").getJsonObject(0));

    // an overwrite without a checksum gets a new, higher version and a null checksum
    DataFixture.Sealed next = seal(key, DataFixture.plaintext(type, 2));
    JsonObject nextBody = next.body(type);
    nextBody.remove("checksum");
    long nextVersion = put(account, nextBody).getJsonObject("data").getLong("version");
    assertTrue(nextVersion > version);
    JsonObject nextItem = get(account, type).getJsonObject("data");
    assertTrue(nextItem.containsKey("checksum"));
    assertNull(nextItem.getValue("checksum"));
    assertEquals(next.plaintext(), open(key, nextItem.getString("encrypted_blob"), nextItem.getString("nonce")));
    // the old ETag no longer matches
    assertNull(f.call(Addresses.DATA_BLOB_GET, account,
        new JsonObject().put("type", type).put("if_none_match", etag)).getValue("status"));

    // delete
    JsonObject deleted = f.call(Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", type));
    assertEquals("Synced " + type + " cleared", deleted.getString("message"));
    assertTrue(deleted.containsKey("data"));
    assertNull(deleted.getValue("data"));
    ServiceException missing = f.fail(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", type));
    assertEquals(404, missing.status());
    assertTrue(missing.getMessage().contains("Not found"), missing.getMessage());
    assertEquals("Not found: no synced " + type, missing.getMessage());
    ServiceException again = f.fail(Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", type));
    assertEquals(404, again.status());
    assertTrue(again.getMessage().contains("Not found"));
    assertEquals(0, list(account, null).getInteger("count"));
  }

  @Test
  void listCountsAndFiltersByVersionAndTime() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    Map<String, Long> versions = new LinkedHashMap<>();
    Map<String, DataFixture.Sealed> sealed = new LinkedHashMap<>();
    for (String type : DataFixture.TYPES) {
      DataFixture.Sealed s = seal(key, DataFixture.plaintext(type, 7));
      sealed.put(type, s);
      versions.put(type, put(account, s.body(type)).getJsonObject("data").getLong("version"));
    }
    JsonObject all = list(account, null);
    assertEquals(5, all.getInteger("count"));
    JsonArray items = all.getJsonArray("items");
    assertEquals(5, items.size());
    List<String> order = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      assertEquals(ITEM_FIELDS, item.fieldNames());
      String type = item.getString("data_type");
      order.add(type);
      assertEquals(versions.get(type), item.getLong("version"));
      assertEquals(sealed.get(type).plaintext(), open(key, item.getString("encrypted_blob"), item.getString("nonce")));
    }
    assertEquals(List.of(DataFixture.TYPES), order, "oldest change first");
    assertEquals(versions.get("setting"), all.getLong("latest_version"));

    long second = versions.get("environment");
    JsonObject since = list(account, Long.toString(second));
    assertEquals(3, since.getInteger("count"));
    for (int i = 0; i < 3; i++) {
      assertTrue(since.getJsonArray("items").getJsonObject(i).getLong("version") > second);
    }
    assertEquals(List.of("secret", "collection", "setting"), types(since));
    assertEquals(0, list(account, Long.toString(versions.get("setting"))).getInteger("count"));
    assertEquals(5, list(account, "0").getInteger("count"));
    assertEquals(5, list(account, "").getInteger("count"), "a blank since is no filter");

    // by time: after the second item's updated_at
    String secondTime = get(account, "environment").getJsonObject("data").getString("updated_at");
    JsonObject byTime = list(account, secondTime);
    assertEquals(List.of("secret", "collection", "setting"), types(byTime));
    assertEquals(3, byTime.getInteger("count"));
    // an ISO time with an offset, long ago and in the future
    assertEquals(5, list(account, "2000-01-01T00:00:00+02:00").getInteger("count"));
    assertEquals(0, list(account, Instant.now().plus(1, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC).toString())
        .getInteger("count"));

    for (String garbage : new String[] {"yesterday", "12abc", "2024-13-45T00:00:00Z", "-1", "2024-01-01"}) {
      ServiceException e = f.fail(Addresses.DATA_BLOB_LIST, account, new JsonObject().put("since", garbage));
      assertEquals(400, e.status(), garbage);
      assertEquals("since must be a version number or an ISO-8601 time", e.getMessage());
    }
  }

  @Test
  void sinceMayBeAJsonNumberAndOtherTypesAre400() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long v1 = put(account, seal(key, "[]").body("history")).getJsonObject("data").getLong("version");
    long v2 = put(account, seal(key, "{}").body("setting")).getJsonObject("data").getLong("version");
    JsonObject since = f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject().put("since", v1)).getJsonObject("data");
    assertEquals(List.of("setting"), types(since));
    assertEquals(v2, since.getLong("latest_version"));
    assertEquals(2, f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject().putNull("since"))
        .getJsonObject("data").getInteger("count"));
    for (Object garbage : new Object[] {true, 1.5, -1, new JsonObject(), new JsonArray().add(1)}) {
      ServiceException e = f.fail(Addresses.DATA_BLOB_LIST, account, new JsonObject().put("since", garbage));
      assertEquals(400, e.status(), String.valueOf(garbage));
      assertEquals("since must be a version number or an ISO-8601 time", e.getMessage());
    }
  }

  /** The export pages through the blobs with {limit: 1, since: the last version}: every item once, in version order. */
  @Test
  void aLimitPagesThroughTheItemsInVersionOrder() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    for (String type : new String[] {"setting", "history", "secret", "history"}) {
      put(account, seal(key, "[" + type + "]").body(type));
    }
    JsonArray all = list(account, null).getJsonArray("items");
    JsonArray paged = new JsonArray();
    Long since = null;
    while (true) {
      JsonObject body = new JsonObject().put("limit", 1);
      if (since != null) {
        body.put("since", since);
      }
      JsonObject page = f.call(Addresses.DATA_BLOB_LIST, account, body).getJsonObject("data");
      assertEquals(list(account, null).getLong("latest_version"), page.getLong("latest_version"));
      if (page.getJsonArray("items").isEmpty()) {
        break;
      }
      assertEquals(1, page.getInteger("count"));
      paged.add(page.getJsonArray("items").getJsonObject(0));
      since = page.getJsonArray("items").getJsonObject(0).getLong("version");
    }
    assertEquals(all, paged);
    assertEquals(3, f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject().put("limit", 100)).getJsonObject("data")
        .getInteger("count"));
    for (Object garbage : new Object[] {0, 101, -1, 1.5, "1", true}) {
      ServiceException e = f.fail(Addresses.DATA_BLOB_LIST, account, new JsonObject().put("limit", garbage));
      assertEquals("400 limit must be a whole number from 1 to 100", e.status() + " " + e.getMessage(), String.valueOf(garbage));
    }
  }

  @Test
  void aDeleteMovesTheLatestVersionSoPollersNotice() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long v1 = put(account, seal(key, "[]").body("history")).getJsonObject("data").getLong("version");
    put(account, seal(key, "{}").body("setting"));
    long before = list(account, null).getLong("latest_version");
    f.call(Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", "history"));
    JsonObject after = list(account, Long.toString(before));
    assertEquals(before + 1, after.getLong("latest_version"));
    assertEquals(0, after.getInteger("count"));
    assertEquals(List.of("setting"), types(list(account, null)));
    // refused deletes use no version
    f.fail(Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", "history"));
    f.fail(Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", "setting").put("if_match", "\"" + v1 + "\""));
    assertEquals(before + 1, list(account, null).getLong("latest_version"));
  }

  @Test
  void conditionsOfTheWrongTypeAre400NotIgnored() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long v = put(account, seal(key, "[]").body("history")).getJsonObject("data").getLong("version");
    String badIfMatch = "If-Match must be an ETag like \"3\"";
    for (Object tag : new Object[] {v, true, new JsonObject(), "*", "\"1\", \"2\"", "\"-1\"", "\"+1\""}) {
      assertFails(400, badIfMatch, account, seal(key, "[1]").body("history").put("if_match", tag));
      ServiceException delete = f.fail(Addresses.DATA_BLOB_DELETE, account,
          new JsonObject().put("type", "history").put("if_match", tag));
      assertEquals(400, delete.status(), String.valueOf(tag));
      assertEquals(badIfMatch, delete.getMessage());
    }
    for (Object tag : new Object[] {v, false, new JsonArray()}) {
      ServiceException e = f.fail(Addresses.DATA_BLOB_GET, account,
          new JsonObject().put("type", "history").put("if_none_match", tag));
      assertEquals(400, e.status(), String.valueOf(tag));
      assertEquals("If-None-Match must be an ETag like \"3\"", e.getMessage());
    }
    ServiceException version = f.fail(Addresses.DATA_BLOB_PUT, account,
        seal(key, "[1]").body("history").put("expected_version", "1"));
    assertEquals(400, version.status());
    assertEquals("expected_version must be an integer", version.getMessage());
    // nothing changed; If-None-Match: * matches any stored version
    assertEquals(v, get(account, "history").getJsonObject("data").getLong("version"));
    assertEquals(304, f.call(Addresses.DATA_BLOB_GET, account,
        new JsonObject().put("type", "history").put("if_none_match", "*")).getInteger("status"));
  }

  static List<String> types(JsonObject list) {
    List<String> types = new ArrayList<>();
    list.getJsonArray("items").forEach(o -> types.add(((JsonObject) o).getString("data_type")));
    return types;
  }

  @Test
  void versionsOfAnAccountRiseAcrossTypesInWriteOrder() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long last = 0;
    String[] order = {"setting", "history", "secret", "history", "collection", "environment", "setting", "history"};
    for (String type : order) {
      long v = put(account, seal(key, DataFixture.plaintext(type, 1)).body(type)).getJsonObject("data").getLong("version");
      assertTrue(v > last, type + " got " + v + " after " + last);
      last = v;
    }
    assertEquals(last, list(account, null).getLong("latest_version"));
    // a delete does not lower anything: the next write still goes up
    f.call(Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", "history"));
    long after = put(account, seal(key, "[]").body("history")).getJsonObject("data").getLong("version");
    assertTrue(after > last);
  }

  @Test
  void unknownTypesAre400() {
    long account = DataFixture.newAccount();
    DataFixture.Sealed s = seal(randomBytes(32), "{}");
    for (Object type : new Object[] {"histories", "History", "", "../secret", 3, null}) {
      JsonObject putBody = s.body("x").put("type", type);
      JsonObject typeOnly = new JsonObject().put("type", type);
      for (var call : List.of(Map.entry(Addresses.DATA_BLOB_PUT, putBody), Map.entry(Addresses.DATA_BLOB_GET, typeOnly),
          Map.entry(Addresses.DATA_BLOB_DELETE, typeOnly))) {
        ServiceException e = f.fail(call.getKey(), account, call.getValue());
        assertEquals(400, e.status(), call.getKey() + " " + type);
        assertEquals("Invalid data type", e.getMessage());
      }
    }
  }

  @Test
  void malformedBlobsAre400() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    DataFixture.Sealed good = seal(key, "[{\"id\":\"x\",\"url\":\"https://example.com/\"}]");
    String blob = good.blob();
    String nonce = good.nonce();
    String notBase64 = "encrypted_blob must be standard base64";

    assertFails(400, notBase64, account, good.body("history").put("encrypted_blob", "not base64 at all!!!"));
    String urlSafe;
    do {
      urlSafe = seal(key, "[" + DataFixture.RANDOM.nextInt() + "]").blob();
    } while (urlSafe.indexOf('+') < 0 && urlSafe.indexOf('/') < 0);
    assertFails(400, notBase64, account, good.body("history")
        .put("encrypted_blob", urlSafe.replace('+', '-').replace('/', '_')));
    assertFails(400, notBase64, account, good.body("history").put("encrypted_blob", "-_-_" + blob.substring(4)));
    assertFails(400, notBase64, account, good.body("history")
        .put("encrypted_blob", blob.substring(0, 4) + " " + blob.substring(5)));
    assertFails(400, notBase64, account, good.body("history")
        .put("encrypted_blob", blob.substring(0, 4) + "\n" + blob.substring(5)));
    assertFails(400, notBase64, account, good.body("history").put("encrypted_blob", blob + "\n"));
    assertFails(400, notBase64, account, good.body("history").put("encrypted_blob", blob.replace("=", "")
        + (blob.replace("=", "").length() % 4 == 0 ? "A" : "")));
    assertFails(400, notBase64, account, good.body("history").put("encrypted_blob", "AA=A" + blob));

    String required = "encrypted_blob is required (a base64 string)";
    assertFails(400, required, account, good.body("history").put("encrypted_blob", 12345));
    assertFails(400, required, account, good.body("history").put("encrypted_blob", ""));
    JsonObject without = good.body("history");
    without.remove("encrypted_blob");
    assertFails(400, required, account, without);
    assertFails(400, "nonce is required (a base64 string)", account, good.body("history").put("nonce", 7));
    assertFails(400, "nonce must be standard base64", account, good.body("history").put("nonce", nonce + " "));

    String nonceSize = "nonce must be the base64 of 12 bytes";
    assertFails(400, nonceSize, account, good.body("history").put("nonce", b64(randomBytes(11))));
    assertFails(400, nonceSize, account, good.body("history").put("nonce", b64(randomBytes(13))));
    assertFails(400, nonceSize, account, good.body("history").put("nonce", b64(randomBytes(16))));

    String tooShort = "encrypted_blob must be at least 16 bytes (ciphertext and GCM tag)";
    assertFails(400, tooShort, account, good.body("history").put("encrypted_blob", b64(randomBytes(15))));
    assertFails(400, tooShort, account, good.body("history").put("encrypted_blob", b64(randomBytes(1))));

    assertFails(400, "checksum must be a string", account, good.body("history").put("checksum", 42));
    assertFails(400, "checksum must be a string", account, good.body("history").put("checksum", new JsonObject()));
    assertFails(400, "checksum must be at most 256 characters", account,
        good.body("history").put("checksum", "a".repeat(257)));
    assertFails(400, "If-Match must be an ETag like \"3\"", account, good.body("history").put("if_match", "latest"));

    // nothing of the above was stored
    assertEquals(0, list(account, null).getInteger("count"));

    // the boundaries themselves are fine: an empty plaintext is exactly 16 bytes, a 256-char checksum
    DataFixture.Sealed empty = seal(key, "");
    assertEquals(16, empty.size());
    put(account, empty.body("setting").put("checksum", "c".repeat(256)));
    JsonObject item = get(account, "setting").getJsonObject("data");
    assertEquals(16, item.getInteger("blob_size_bytes"));
    assertEquals("c".repeat(256), item.getString("checksum"));
    assertEquals("", open(key, item.getString("encrypted_blob"), item.getString("nonce")));
  }

  @Test
  void aTypeDisabledInConfigIsRefused() {
    long account = DataFixture.newAccount();
    DataFixture.Sealed s = seal(randomBytes(32), DataFixture.plaintext("secret", 1));
    f.call(Addresses.DATA_CONFIG_PUT, account, new JsonObject().put("sync_secrets", false));
    assertFails(409, "Sync of secret is disabled in sync config", account, s.body("secret"));
    ServiceException e = f.fail(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "secret"));
    assertEquals(404, e.status());
    // other types are unaffected
    put(account, s.body("history"));
    f.call(Addresses.DATA_CONFIG_PUT, account, new JsonObject().put("sync_secrets", true));
    put(account, s.body("secret"));
    assertEquals(s.blob(), get(account, "secret").getJsonObject("data").getString("encrypted_blob"));
  }

  @Test
  void ifMatchGuardsOverwritesAndDeletes() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    String type = "collection";
    String precondition = "Precondition failed: the stored version is newer";

    // If-Match on a missing item
    ServiceException missing = f.fail(Addresses.DATA_BLOB_PUT, account,
        seal(key, "{}").body(type).put("if_match", "\"1\""));
    assertEquals(412, missing.status());
    assertEquals(precondition, missing.getMessage());
    assertTrue(missing.data().containsKey("version"));
    assertNull(missing.data().getValue("version"));
    ServiceException missingByField = f.fail(Addresses.DATA_BLOB_PUT, account,
        seal(key, "{}").body(type).put("expected_version", 1));
    assertEquals(412, missingByField.status());

    long v1 = put(account, seal(key, DataFixture.plaintext(type, 1)).body(type)).getJsonObject("data").getLong("version");
    DataFixture.Sealed second = seal(key, DataFixture.plaintext(type, 2));
    long v2 = put(account, second.body(type).put("if_match", "\"" + v1 + "\"")).getJsonObject("data").getLong("version");
    assertTrue(v2 > v1);

    // a stale If-Match: 412 with the current version, nothing changes
    ServiceException stale = f.fail(Addresses.DATA_BLOB_PUT, account,
        seal(key, DataFixture.plaintext(type, 3)).body(type).put("if_match", "\"" + v1 + "\""));
    assertEquals(412, stale.status());
    assertEquals(precondition, stale.getMessage());
    assertEquals(v2, stale.data().getLong("version"));
    JsonObject item = get(account, type).getJsonObject("data");
    assertEquals(v2, item.getLong("version"));
    assertEquals(second.plaintext(), open(key, item.getString("encrypted_blob"), item.getString("nonce")));

    // weak ETags and expected_version work the same
    long v3 = put(account, seal(key, DataFixture.plaintext(type, 4)).body(type).put("if_match", "W/\"" + v2 + "\""))
        .getJsonObject("data").getLong("version");
    long v4 = put(account, seal(key, DataFixture.plaintext(type, 5)).body(type).put("expected_version", v3))
        .getJsonObject("data").getLong("version");
    assertTrue(v4 > v3 && v3 > v2);

    // a stale delete is 412 with the current version and keeps the item
    ServiceException staleDelete = f.fail(Addresses.DATA_BLOB_DELETE, account,
        new JsonObject().put("type", type).put("if_match", "\"" + v3 + "\""));
    assertEquals(412, staleDelete.status());
    assertEquals(precondition, staleDelete.getMessage());
    assertEquals(v4, staleDelete.data().getLong("version"));
    assertEquals(v4, get(account, type).getJsonObject("data").getLong("version"));
    JsonObject deleted = f.call(Addresses.DATA_BLOB_DELETE, account,
        new JsonObject().put("type", type).put("if_match", "\"" + v4 + "\""));
    assertEquals("Synced " + type + " cleared", deleted.getString("message"));
    ServiceException gone = f.fail(Addresses.DATA_BLOB_DELETE, account,
        new JsonObject().put("type", type).put("if_match", "\"" + v4 + "\""));
    assertEquals(404, gone.status());
    assertTrue(gone.getMessage().contains("Not found"));
  }
}
