package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.b64;
import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The account's key escrow: never overwritten by accident, rotated only by naming the version. */
class KeyEscrowTest {
  static final String BAD_KEY = "master_key must be the base64 of exactly 32 bytes";
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass();

  static JsonObject getKey(long account) {
    JsonObject reply = f.call(Addresses.DATA_KEY_GET, account, new JsonObject());
    assertTrue(reply.containsKey("data"));
    return reply.getJsonObject("data");
  }

  static long putKey(long account, JsonObject body) {
    return f.call(Addresses.DATA_KEY_PUT, account, body).getJsonObject("data").getLong("version");
  }

  static JsonObject keyBody(byte[] key) {
    return new JsonObject().put("master_key", b64(key));
  }

  @Test
  void noKeyIsDataNull() {
    assertNull(getKey(DataFixture.newAccount()));
  }

  @Test
  void setKeepRotateAndDropBlobs() {
    long account = DataFixture.newAccount();
    byte[] first = randomBytes(32);
    assertEquals(1, putKey(account, keyBody(first)));

    JsonObject stored = getKey(account);
    assertEquals(Set.of("master_key", "version", "updated_at"), stored.fieldNames());
    assertEquals(b64(first), stored.getString("master_key"));
    assertEquals(1, stored.getInteger("version"));
    Instant.parse(stored.getString("updated_at"));

    // the client's "GET failed, make a new key" PUT must not overwrite
    ServiceException conflict = f.fail(Addresses.DATA_KEY_PUT, account, keyBody(randomBytes(32)));
    assertEquals(409, conflict.status());
    assertEquals("A key already exists; name its version to rotate it", conflict.getMessage());
    assertEquals(1, conflict.data().getInteger("version"));
    assertEquals(b64(first), getKey(account).getString("master_key"));
    assertEquals(1, getKey(account).getInteger("version"));

    // a blob encrypted with the first key
    DataFixture.Sealed blob = DataFixture.seal(first, DataFixture.plaintext("history", 1));
    f.call(Addresses.DATA_BLOB_PUT, account, blob.body("history"));
    assertEquals(1, f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject()).getJsonObject("data").getInteger("count"));

    // rotation by expected_version
    byte[] second = randomBytes(32);
    assertEquals(2, putKey(account, keyBody(second).put("expected_version", 1)));
    assertEquals(b64(second), getKey(account).getString("master_key"));
    assertEquals(2, getKey(account).getInteger("version"));
    JsonObject list = f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject()).getJsonObject("data");
    assertEquals(0, list.getInteger("count"));
    assertTrue(list.getJsonArray("items").isEmpty());
    ServiceException gone = f.fail(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "history"));
    assertEquals(404, gone.status());

    // rotation by If-Match
    byte[] third = randomBytes(32);
    assertEquals(3, putKey(account, keyBody(third).put("if_match", "\"2\"")));
    assertEquals(b64(third), getKey(account).getString("master_key"));

    // a stale version
    ServiceException stale = f.fail(Addresses.DATA_KEY_PUT, account, keyBody(randomBytes(32)).put("expected_version", 2));
    assertEquals(409, stale.status());
    assertEquals("Key version mismatch: the stored key is version 3", stale.getMessage());
    assertEquals(3, stale.data().getInteger("version"));
    ServiceException staleTag = f.fail(Addresses.DATA_KEY_PUT, account, keyBody(randomBytes(32)).put("if_match", "\"1\""));
    assertEquals(409, staleTag.status());
    assertEquals(3, staleTag.data().getInteger("version"));
    assertEquals(b64(third), getKey(account).getString("master_key"));
    assertEquals(3, getKey(account).getInteger("version"));
  }

  @Test
  void versionOnAMissingKeyIsConflict() {
    long account = DataFixture.newAccount();
    ServiceException e = f.fail(Addresses.DATA_KEY_PUT, account, keyBody(randomBytes(32)).put("expected_version", 4));
    assertEquals(409, e.status());
    assertEquals("No key is stored yet; send it without a version", e.getMessage());
    assertNull(e.data().getValue("version"));
    assertNull(getKey(account));
  }

  @Test
  void malformedKeysAre400() {
    long account = DataFixture.newAccount();
    List<JsonObject> bodies = List.of(
        new JsonObject().put("master_key", "this is not base64 at all, not even close!!"),
        new JsonObject().put("master_key", b64(randomBytes(31))),
        new JsonObject().put("master_key", b64(randomBytes(33))),
        new JsonObject().put("master_key", b64(randomBytes(32)).replace('=', ' ')),
        new JsonObject().put("master_key", b64(randomBytes(32)).substring(0, 43)),
        new JsonObject().put("master_key", 12345),
        new JsonObject().put("master_key", new JsonObject()),
        new JsonObject().putNull("master_key"),
        new JsonObject());
    for (JsonObject body : bodies) {
      ServiceException e = f.fail(Addresses.DATA_KEY_PUT, account, body);
      assertEquals(400, e.status(), body.encode());
      assertEquals(BAD_KEY, e.getMessage());
    }
    // URL-safe alphabet: make a key whose base64 has '+' or '/' and swap them
    String standard;
    do {
      standard = b64(randomBytes(32));
    } while (standard.indexOf('+') < 0 && standard.indexOf('/') < 0);
    String urlSafe = standard.replace('+', '-').replace('/', '_');
    ServiceException e = f.fail(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", urlSafe));
    assertEquals(400, e.status());
    assertEquals(BAD_KEY, e.getMessage());
    assertNull(getKey(account));
  }

  @Test
  void malformedVersionsAre400() {
    long account = DataFixture.newAccount();
    putKey(account, keyBody(randomBytes(32)));
    ServiceException asString = f.fail(Addresses.DATA_KEY_PUT, account,
        keyBody(randomBytes(32)).put("expected_version", "1"));
    assertEquals(400, asString.status());
    assertEquals("expected_version must be an integer", asString.getMessage());
    ServiceException fraction = f.fail(Addresses.DATA_KEY_PUT, account,
        keyBody(randomBytes(32)).put("expected_version", 1.5));
    assertEquals(400, fraction.status());
    ServiceException tag = f.fail(Addresses.DATA_KEY_PUT, account, keyBody(randomBytes(32)).put("if_match", "abc"));
    assertEquals(400, tag.status());
    assertEquals("If-Match must be an ETag like \"3\"", tag.getMessage());
    assertEquals(1, getKey(account).getInteger("version"));
  }

  @Test
  void theStoredRowHoldsOnlyTheWrappedKey() throws Exception {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    putKey(account, keyBody(key));
    try (Connection c = f.jdbc();
         PreparedStatement ps = c.prepareStatement(
             "select wrapped_key, iv, kek_id, version, m::text as whole from data.master_keys m where account_id = ?")) {
      ps.setLong(1, account);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        byte[] wrapped = rs.getBytes("wrapped_key");
        assertEquals(48, wrapped.length, "32 key bytes + 16 tag bytes");
        assertEquals(12, rs.getBytes("iv").length);
        assertEquals("t1", rs.getString("kek_id"));
        assertEquals(1, rs.getInt("version"));
        assertEquals(-1, indexOf(wrapped, key));
        String whole = rs.getString("whole");
        assertFalse(whole.contains(b64(key)), whole);
        assertFalse(whole.contains(HexFormat.of().formatHex(key)), whole);
      }
    }
    assertEquals(b64(key), getKey(account).getString("master_key"));
  }

  @Test
  void aRowCopiedToAnotherAccountDoesNotDecrypt() throws Exception {
    long owner = DataFixture.newAccount();
    long thief = DataFixture.newAccount();
    putKey(owner, keyBody(randomBytes(32)));
    try (Connection c = f.jdbc();
         PreparedStatement ps = c.prepareStatement("insert into data.master_keys (account_id, wrapped_key, iv, kek_id, "
             + "version) select ?, wrapped_key, iv, kek_id, version from data.master_keys where account_id = ?")) {
      ps.setLong(1, thief);
      ps.setLong(2, owner);
      assertEquals(1, ps.executeUpdate());
    }
    ServiceException e = f.fail(Addresses.DATA_KEY_GET, thief, new JsonObject());
    assertEquals(500, e.status());
    assertEquals("Internal server error", e.getMessage());
  }

  @Test
  void concurrentRotationsOfOneVersionLetExactlyOneWin() {
    long account = DataFixture.newAccount();
    putKey(account, keyBody(randomBytes(32)));
    for (int round = 1; round <= 3; round++) {
      List<byte[]> keys = new ArrayList<>();
      List<Future<Message<JsonObject>>> sent = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        byte[] key = randomBytes(32);
        keys.add(key);
        sent.add(f.send(Addresses.DATA_KEY_PUT, account, keyBody(key).put("expected_version", round)));
      }
      Future.join(sent).transform(ar -> Future.succeededFuture()).await();
      int won = -1;
      for (int i = 0; i < sent.size(); i++) {
        Future<Message<JsonObject>> r = sent.get(i);
        if (r.succeeded()) {
          assertEquals(-1, won, "two rotations of version " + round + " both succeeded");
          won = i;
          assertEquals(round + 1, r.result().body().getJsonObject("data").getInteger("version"));
        } else {
          ServiceException e = DataFixture.failure(r);
          assertEquals(409, e.status());
          assertEquals("Key version mismatch: the stored key is version " + (round + 1), e.getMessage());
          assertEquals(round + 1, e.data().getInteger("version"));
        }
      }
      assertTrue(won >= 0, "no rotation succeeded");
      JsonObject stored = getKey(account);
      assertEquals(round + 1, stored.getInteger("version"));
      assertEquals(b64(keys.get(won)), stored.getString("master_key"));
    }
  }

  @Test
  void concurrentFirstKeysLetExactlyOneWin() {
    long account = DataFixture.newAccount();
    List<byte[]> keys = new ArrayList<>();
    List<Future<Message<JsonObject>>> sent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      byte[] key = randomBytes(32);
      keys.add(key);
      sent.add(f.send(Addresses.DATA_KEY_PUT, account, keyBody(key)));
    }
    Future.join(sent).transform(ar -> Future.succeededFuture()).await();
    int won = -1;
    for (int i = 0; i < sent.size(); i++) {
      if (sent.get(i).succeeded()) {
        assertEquals(-1, won, "two first keys both succeeded");
        won = i;
        assertEquals(1, sent.get(i).result().body().getJsonObject("data").getInteger("version"));
      } else {
        ServiceException e = DataFixture.failure(sent.get(i));
        assertEquals(409, e.status());
        assertEquals("A key already exists; name its version to rotate it", e.getMessage());
        assertEquals(1, e.data().getInteger("version"), "the 409 names the stored version");
      }
    }
    assertTrue(won >= 0);
    JsonObject stored = getKey(account);
    assertNotNull(stored);
    assertArrayEquals(keys.get(won), java.util.Base64.getDecoder().decode(stored.getString("master_key")));
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
