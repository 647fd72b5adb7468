package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.open;
import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static dev.flamingo.sync.data.DataFixture.seal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many writers at once: conditional writes are exclusive, plain writes are serialized, nothing is torn. */
class BlobConcurrencyTest {
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass();

  static void awaitAll(List<? extends Future<?>> futures) {
    Future.join(futures).transform(ar -> Future.succeededFuture()).await();
    futures.forEach(fut -> assertTrue(fut.isComplete()));
  }

  static JsonObject get(long account, String type) {
    return f.call(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", type)).getJsonObject("data");
  }

  @Test
  void twentyConditionalPutsOfOneVersionLetExactlyOneWin() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    String type = "history";
    long base = f.call(Addresses.DATA_BLOB_PUT, account, seal(key, "[]").body(type)).getJsonObject("data").getLong("version");

    for (int round = 0; round < 3; round++) {
      List<DataFixture.Sealed> written = new ArrayList<>();
      List<Future<Message<JsonObject>>> sent = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        DataFixture.Sealed s = seal(key, DataFixture.plaintext(type, round * 100 + i));
        written.add(s);
        sent.add(f.send(Addresses.DATA_BLOB_PUT, account, s.body(type).put("if_match", "\"" + base + "\"")));
      }
      awaitAll(sent);

      int winner = -1;
      long winnerVersion = -1;
      List<ServiceException> refused = new ArrayList<>();
      for (int i = 0; i < sent.size(); i++) {
        if (sent.get(i).succeeded()) {
          assertEquals(-1, winner, "two conditional writes of version " + base + " both succeeded");
          winner = i;
          winnerVersion = sent.get(i).result().body().getJsonObject("data").getLong("version");
        } else {
          refused.add(DataFixture.failure(sent.get(i)));
        }
      }
      assertTrue(winner >= 0, "no conditional write succeeded");
      assertEquals(19, refused.size());
      assertTrue(winnerVersion > base);
      for (ServiceException e : refused) {
        assertEquals(412, e.status(), e.getMessage());
        assertEquals("Precondition failed: the stored version is newer", e.getMessage());
        assertEquals(winnerVersion, e.data().getLong("version"));
      }
      JsonObject item = get(account, type);
      assertEquals(winnerVersion, item.getLong("version"));
      assertEquals(written.get(winner).blob(), item.getString("encrypted_blob"));
      assertEquals(written.get(winner).nonce(), item.getString("nonce"));
      assertEquals(written.get(winner).checksum(), item.getString("checksum"));
      assertEquals(written.get(winner).plaintext(), open(key, item.getString("encrypted_blob"), item.getString("nonce")));
      // refused writes used no version: the counter moved by exactly one
      assertEquals(winnerVersion,
          f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject()).getJsonObject("data").getLong("latest_version"));
      base = winnerVersion;
    }
  }

  @Test
  void fiftyPlainPutsAreAllAppliedInOneOrderWithoutTornRows() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    String type = "collection";
    List<DataFixture.Sealed> written = new ArrayList<>();
    List<Future<Message<JsonObject>>> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      // different sizes too, so a torn row would also show in blob_size_bytes
      DataFixture.Sealed s = seal(key, DataFixture.plaintext(type, i) + " ".repeat(i * 7));
      written.add(s);
      sent.add(f.send(Addresses.DATA_BLOB_PUT, account, s.body(type)));
    }
    awaitAll(sent);

    Map<Long, DataFixture.Sealed> byVersion = new HashMap<>();
    for (int i = 0; i < sent.size(); i++) {
      Future<Message<JsonObject>> r = sent.get(i);
      assertTrue(r.succeeded(), () -> "a plain PUT failed: " + r.cause());
      JsonObject data = r.result().body().getJsonObject("data");
      assertEquals(written.get(i).size(), data.getInteger("blob_size_bytes"));
      assertEquals(null, byVersion.put(data.getLong("version"), written.get(i)), "a version was given twice");
    }
    assertEquals(50, byVersion.size());
    long max = Collections.max(byVersion.keySet());

    JsonObject item = get(account, type);
    assertEquals(max, item.getLong("version"));
    DataFixture.Sealed last = byVersion.get(max);
    assertNotNull(last);
    // exactly one written (blob, nonce) pair, and the one of the newest version
    Set<String> pairs = new HashSet<>();
    written.forEach(s -> pairs.add(s.blob() + "|" + s.nonce()));
    assertTrue(pairs.contains(item.getString("encrypted_blob") + "|" + item.getString("nonce")), "torn row");
    assertEquals(last.blob(), item.getString("encrypted_blob"));
    assertEquals(last.nonce(), item.getString("nonce"));
    assertEquals(last.checksum(), item.getString("checksum"));
    assertEquals(last.size(), item.getInteger("blob_size_bytes"));
    assertEquals(last.plaintext(), open(key, item.getString("encrypted_blob"), item.getString("nonce")));
    JsonObject list = f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject()).getJsonObject("data");
    assertEquals(1, list.getInteger("count"));
    assertEquals(max, list.getLong("latest_version"));
  }

  @Test
  void concurrentWritesAcrossTypesGetDistinctVersionsAndEachTypeKeepsItsNewest() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    List<String> types = new ArrayList<>();
    List<DataFixture.Sealed> written = new ArrayList<>();
    List<Future<Message<JsonObject>>> sent = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String type = DataFixture.TYPES[i % DataFixture.TYPES.length];
      DataFixture.Sealed s = seal(key, DataFixture.plaintext(type, i));
      types.add(type);
      written.add(s);
      sent.add(f.send(Addresses.DATA_BLOB_PUT, account, s.body(type)));
    }
    awaitAll(sent);
    Set<Long> versions = new HashSet<>();
    Map<String, Long> newest = new HashMap<>();
    Map<String, DataFixture.Sealed> newestWrite = new HashMap<>();
    for (int i = 0; i < sent.size(); i++) {
      assertTrue(sent.get(i).succeeded(), String.valueOf(sent.get(i).cause()));
      long v = sent.get(i).result().body().getJsonObject("data").getLong("version");
      assertTrue(versions.add(v), "version " + v + " given twice");
      if (v > newest.getOrDefault(types.get(i), 0L)) {
        newest.put(types.get(i), v);
        newestWrite.put(types.get(i), written.get(i));
      }
    }
    assertEquals(40, versions.size());
    for (String type : DataFixture.TYPES) {
      JsonObject item = get(account, type);
      assertEquals(newest.get(type), item.getLong("version"));
      assertEquals(newestWrite.get(type).blob(), item.getString("encrypted_blob"));
      assertEquals(newestWrite.get(type).plaintext(), open(key, item.getString("encrypted_blob"), item.getString("nonce")));
    }
    assertEquals(Collections.max(versions),
        f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject()).getJsonObject("data").getLong("latest_version"));
  }

  @Test
  void aClientFollowingLatestVersionMissesNoWrite() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    List<Future<Message<JsonObject>>> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String type = DataFixture.TYPES[i % DataFixture.TYPES.length];
      sent.add(f.send(Addresses.DATA_BLOB_PUT, account, seal(key, DataFixture.plaintext(type, i)).body(type)));
    }
    // poll "since" the last latest_version while the writes land, then once more after the last one
    Map<String, Long> seen = new HashMap<>();
    long cursor = 0;
    boolean done = false;
    while (true) {
      boolean last = done;
      JsonObject page = f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject().put("since", Long.toString(cursor)))
          .getJsonObject("data");
      for (Object o : page.getJsonArray("items")) {
        JsonObject item = (JsonObject) o;
        assertTrue(item.getLong("version") > cursor);
        assertTrue(item.getLong("version") <= page.getLong("latest_version"));
        seen.merge(item.getString("data_type"), item.getLong("version"), Math::max);
      }
      cursor = page.getLong("latest_version");
      if (last) {
        break;
      }
      done = sent.stream().allMatch(Future::isComplete);
    }
    sent.forEach(s -> assertTrue(s.succeeded(), String.valueOf(s.cause())));
    for (String type : DataFixture.TYPES) {
      assertEquals(get(account, type).getLong("version"), seen.get(type), type);
    }
  }

  @Test
  void versionsAcrossTypesStrictlyIncreaseInWriteOrder() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long last = 0;
    for (int i = 0; i < 15; i++) {
      String type = DataFixture.TYPES[(i * 3) % DataFixture.TYPES.length];
      long v = f.call(Addresses.DATA_BLOB_PUT, account, seal(key, DataFixture.plaintext(type, i)).body(type))
          .getJsonObject("data").getLong("version");
      assertTrue(v > last, type + " got " + v + " after " + last);
      last = v;
    }
    // the list is ordered by version and "since" the previous-to-last gives exactly the last
    JsonObject list = f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject()).getJsonObject("data");
    long previous = 0;
    for (Object o : list.getJsonArray("items")) {
      long v = ((JsonObject) o).getLong("version");
      assertTrue(v > previous);
      previous = v;
    }
    assertEquals(last, previous);
    JsonObject since = f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject().put("since", Long.toString(last - 1)))
        .getJsonObject("data");
    assertEquals(1, since.getInteger("count"));
    assertEquals(last, since.getJsonArray("items").getJsonObject(0).getLong("version"));
  }
}
