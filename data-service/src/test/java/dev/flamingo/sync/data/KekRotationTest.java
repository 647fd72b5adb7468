package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.b64;
import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.data.key.KeyStore;
import dev.flamingo.sync.common.security.KeyWrapper;
import dev.flamingo.sync.data.key.Rewrap;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rotating the server's key-encryption key: re-wrap every row, then run with only the new KEK. */
class KekRotationTest {
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass();

  record Row(byte[] wrapped, byte[] iv, String kekId, int version) {}

  static Row row(long account) throws Exception {
    try (Connection c = f.jdbc();
         PreparedStatement ps = c.prepareStatement(
             "select wrapped_key, iv, kek_id, version from data.master_keys where account_id = ?")) {
      ps.setLong(1, account);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Row(rs.getBytes(1), rs.getBytes(2), rs.getString(3), rs.getInt(4));
      }
    }
  }

  static JsonObject getKey(long account) {
    return f.call(Addresses.DATA_KEY_GET, account, new JsonObject()).getJsonObject("data");
  }

  @Test
  void rewrapUnderANewKekKeepsEveryKeyReadable() throws Exception {
    Map<Long, byte[]> keys = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      long account = DataFixture.newAccount();
      byte[] key = randomBytes(32);
      keys.put(account, key);
      f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(key)));
    }
    // one of them rotated once, so versions differ
    long rotated = keys.keySet().iterator().next();
    byte[] rotatedKey = randomBytes(32);
    f.call(Addresses.DATA_KEY_PUT, rotated, new JsonObject().put("master_key", b64(rotatedKey)).put("expected_version", 1));
    keys.put(rotated, rotatedKey);
    Map<Long, Row> before = new LinkedHashMap<>();
    for (long account : keys.keySet()) {
      before.put(account, row(account));
      assertEquals("t1", before.get(account).kekId());
    }

    byte[] newKek = randomBytes(32);
    String oldKek = b64(f.kek);

    // step 1: the service runs with the new KEK and the old one as previous: old rows still read
    f.redeploy(f.config.copy().put("FLAMINGO_KEK", b64(newKek)).put("FLAMINGO_KEK_ID", "t2")
        .put("FLAMINGO_KEK_PREVIOUS", "t1:" + oldKek));
    for (var e : keys.entrySet()) {
      assertEquals(b64(e.getValue()), getKey(e.getKey()).getString("master_key"));
    }

    // step 2: re-wrap every row under t2
    KeyWrapper wrapper = new KeyWrapper("t2", newKek, Map.of("t1", f.kek));
    Pool pool = Database.pool(f.vertx, new Settings(f.config), "data");
    try {
      assertEquals(keys.size(), new Rewrap(new KeyStore(pool), wrapper).all().await());
      assertEquals(0, new Rewrap(new KeyStore(pool), wrapper).all().await(), "a second run has nothing to do");
    } finally {
      pool.close().await();
    }
    for (long account : keys.keySet()) {
      Row after = row(account);
      assertEquals("t2", after.kekId());
      assertEquals(before.get(account).version(), after.version());
      assertFalse(Arrays.equals(before.get(account).wrapped(), after.wrapped()));
      assertFalse(Arrays.equals(before.get(account).iv(), after.iv()));
    }

    // step 3: the old KEK is gone from the config and every key still reads, at the same version
    f.redeploy(f.config.copy().put("FLAMINGO_KEK", b64(newKek)).put("FLAMINGO_KEK_ID", "t2"));
    for (var e : keys.entrySet()) {
      JsonObject stored = getKey(e.getKey());
      assertArrayEquals(e.getValue(), Base64.getDecoder().decode(stored.getString("master_key")));
      assertEquals(before.get(e.getKey()).version(), stored.getInteger("version"));
    }
    // and a rotation after the KEK change wraps under t2
    byte[] next = randomBytes(32);
    f.call(Addresses.DATA_KEY_PUT, rotated, new JsonObject().put("master_key", b64(next)).put("expected_version", 2));
    assertEquals("t2", row(rotated).kekId());
    assertEquals(b64(next), getKey(rotated).getString("master_key"));
  }

  @Test
  void withoutTheOldKekARowWrappedUnderItFailsClosed() throws Exception {
    long account = DataFixture.newAccount();
    // wrap a row under a KEK the service does not know, straight through the store
    byte[] unknownKek = randomBytes(32);
    KeyWrapper other = new KeyWrapper("gone", unknownKek, Map.of());
    KeyWrapper.Wrapped w = other.wrap(account, randomBytes(32));
    Pool pool = Database.pool(f.vertx, new Settings(f.config), "data");
    try {
      assertEquals(true, new KeyStore(pool).insertFirst(pool, account, w, null).await());
    } finally {
      pool.close().await();
    }
    try {
      ServiceException e = f.fail(Addresses.DATA_KEY_GET, account, new JsonObject());
      assertEquals(500, e.status());
      assertEquals("Internal server error", e.getMessage());
    } finally {
      // leave no row that the other test's re-wrap cannot read
      try (Connection c = f.jdbc();
           PreparedStatement ps = c.prepareStatement("delete from data.master_keys where account_id = ?")) {
        ps.setLong(1, account);
        ps.executeUpdate();
      }
    }
  }
}
