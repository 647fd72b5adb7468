package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.b64;
import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.security.KeyCustody;
import dev.flamingo.sync.common.security.KeyCustody.AccountKey;
import dev.flamingo.sync.data.key.KeyService;
import dev.flamingo.sync.data.key.KeyStore;
import dev.flamingo.sync.common.security.KeyWrapper;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * data-service's side of key custody: the master key is stored sealed under the account key the gateway
 * passes (never stored here) inside the KEK; a caller without that account key gets 403, one with a
 * replaced account key (a password reset) 409 until it rotates; keys from before key custody are served
 * and converted.
 */
class KeyCustodyTest {
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass();

  static JsonObject with(AccountKey ak, JsonObject body) {
    return body.put("custody", true).put("account_key", ak.keyBase64()).put("account_key_id", ak.id().toString());
  }

  /** key.convert with this account key (as auth-service sends it): whether it converted the key. */
  static boolean convert(long account, AccountKey ak) {
    return f.call(Addresses.DATA_KEY_CONVERT, account, new JsonObject().put("account_key", ak.keyBase64())
        .put("account_key_id", ak.id().toString())).getJsonObject("data").getBoolean("converted");
  }

  static JsonObject noGrant(JsonObject body) {
    return body.put("custody", true).putNull("account_key").putNull("account_key_id");
  }

  static byte[] getKey(long account, JsonObject body) {
    JsonObject data = f.call(Addresses.DATA_KEY_GET_V2, account, body).getJsonObject("data");
    return Base64.getDecoder().decode(data.getString("master_key"));
  }

  record Row(byte[] wrapped, byte[] iv, String kekId, UUID accountKeyId, int version) {}

  static Row row(long account) throws Exception {
    try (Connection c = f.jdbc(); PreparedStatement ps = c.prepareStatement(
        "select wrapped_key, iv, kek_id, account_key_id, version from data.master_keys where account_id = ?")) {
      ps.setLong(1, account);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "a stored key");
        String id = rs.getString(4);
        return new Row(rs.getBytes(1), rs.getBytes(2), rs.getString(3), id == null ? null : UUID.fromString(id), rs.getInt(5));
      }
    }
  }

  /** The stored row opened with the KEK alone: what a stolen database plus the KEK yields. */
  static byte[] kekOpened(long account) throws Exception {
    Row r = row(account);
    return new KeyWrapper(r.kekId(), f.kek, Map.of()).unwrap(account, new KeyWrapper.Wrapped(r.wrapped(), r.iv(), r.kekId()));
  }

  @Test
  void theKeyIsSealedUnderTheAccountKeyInsideTheKek() throws Exception {
    long account = DataFixture.newAccount();
    AccountKey ak = KeyCustody.newAccountKey();
    byte[] master = randomBytes(32);
    assertEquals(1, f.call(Addresses.DATA_KEY_PUT_V2, account, with(ak, new JsonObject().put("master_key", b64(master))))
        .getJsonObject("data").getInteger("version"));

    Row r = row(account);
    assertEquals(ak.id(), r.accountKeyId());
    byte[] inner = kekOpened(account);
    assertFalse(Arrays.equals(master, inner), "the KEK alone must not give the master key");
    assertFalse(new String(inner, StandardCharsets.ISO_8859_1)
        .contains(new String(master, StandardCharsets.ISO_8859_1)));
    assertArrayEquals(master, KeyCustody.openMasterKey(ak, account, inner), "inside is the master key under AK");
    assertArrayEquals(master, getKey(account, with(ak, new JsonObject())));

    JsonObject status = f.call(Addresses.DATA_KEY_STATUS, account, new JsonObject()).getJsonObject("data");
    assertEquals(true, status.getBoolean("custody"));
    assertEquals(ak.id().toString(), status.getString("account_key_id"));
  }

  @Test
  void aCallerWithoutTheAccountKeyGets403AndNothingChanges() throws Exception {
    long account = DataFixture.newAccount();
    AccountKey ak = KeyCustody.newAccountKey();
    byte[] master = randomBytes(32);
    f.call(Addresses.DATA_KEY_PUT_V2, account, with(ak, new JsonObject().put("master_key", b64(master))));
    Row before = row(account);

    ServiceException get = f.fail(Addresses.DATA_KEY_GET_V2, account, noGrant(new JsonObject()));
    assertEquals(403, get.status());
    assertEquals(KeyService.NO_ACCESS, get.getMessage());
    // the old gateways' address (no account key at all) is refused the same way
    assertEquals(403, f.fail(Addresses.DATA_KEY_GET, account, new JsonObject()).status());
    // a blind PUT and a rotation without the account key: 403, the key stays
    assertEquals(403, f.fail(Addresses.DATA_KEY_PUT_V2, account,
        noGrant(new JsonObject().put("master_key", b64(randomBytes(32))))).status());
    assertEquals(403, f.fail(Addresses.DATA_KEY_PUT_V2, account,
        noGrant(new JsonObject().put("master_key", b64(randomBytes(32))).put("expected_version", 1))).status());
    assertEquals(403, f.fail(Addresses.DATA_KEY_PUT, account,
        new JsonObject().put("master_key", b64(randomBytes(32))).put("expected_version", 1)).status());
    // another account key (a forged or stale one with another id) does not open it either
    AccountKey forged = new AccountKey(UUID.randomUUID(), randomBytes(32));
    assertEquals(409, f.fail(Addresses.DATA_KEY_GET_V2, account, with(forged, new JsonObject())).status());
    AccountKey sameId = new AccountKey(ak.id(), randomBytes(32)); // the right id, not the key
    assertEquals(403, f.fail(Addresses.DATA_KEY_GET_V2, account, with(sameId, new JsonObject())).status());
    assertArrayEquals(before.wrapped(), row(account).wrapped());
    assertArrayEquals(master, getKey(account, with(ak, new JsonObject())));
  }

  @Test
  void aFirstKeyOfACustodyAccountNeedsTheAccountKey() throws Exception {
    long account = DataFixture.newAccount();
    ServiceException e = f.fail(Addresses.DATA_KEY_PUT_V2, account,
        noGrant(new JsonObject().put("master_key", b64(randomBytes(32)))));
    assertEquals(403, e.status());
    assertNull(f.call(Addresses.DATA_KEY_GET_V2, account, noGrant(new JsonObject())).getValue("data"),
        "nothing was stored");
  }

  @Test
  void aReplacedAccountKeyIs409UntilARotationStoresANewKey() throws Exception {
    long account = DataFixture.newAccount();
    AccountKey old = KeyCustody.newAccountKey();
    f.call(Addresses.DATA_KEY_PUT_V2, account, with(old, new JsonObject().put("master_key", b64(randomBytes(32)))));
    AccountKey reset = KeyCustody.newAccountKey(); // a password reset: a new account key, a new id

    ServiceException get = f.fail(Addresses.DATA_KEY_GET_V2, account, with(reset, new JsonObject()));
    assertEquals(409, get.status());
    assertEquals(KeyService.LOST, get.getMessage());
    ServiceException blind = f.fail(Addresses.DATA_KEY_PUT_V2, account,
        with(reset, new JsonObject().put("master_key", b64(randomBytes(32)))));
    assertEquals(409, blind.status(), "the app's blind PUT does not silently replace the lost key");
    assertEquals(KeyService.LOST, blind.getMessage());

    byte[] fresh = randomBytes(32);
    assertEquals(2, f.call(Addresses.DATA_KEY_PUT_V2, account,
        with(reset, new JsonObject().put("master_key", b64(fresh)).put("expected_version", 1)))
        .getJsonObject("data").getInteger("version"));
    assertEquals(reset.id(), row(account).accountKeyId());
    assertArrayEquals(fresh, getKey(account, with(reset, new JsonObject())));
    assertEquals(409, f.fail(Addresses.DATA_KEY_GET_V2, account, with(old, new JsonObject())).status(),
        "the old account key opens nothing any more");
  }

  @Test
  void aKeyFromBeforeKeyCustodyIsServedAndConvertedByTheFirstAccountKey() throws Exception {
    long account = DataFixture.newAccount();
    byte[] master = randomBytes(32);
    // stored the old way (an old gateway, or before the upgrade): under the KEK alone
    f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(master)));
    assertNull(row(account).accountKeyId());
    assertArrayEquals(master, kekOpened(account), "a legacy row is the KEK's alone");
    assertArrayEquals(master, getKey(account, new JsonObject().put("custody", false)));
    assertArrayEquals(master, getKey(account, noGrant(new JsonObject())), "served until converted");

    AccountKey ak = KeyCustody.newAccountKey();
    assertEquals(true, convert(account, ak));
    assertEquals(false, convert(account, ak), "once");
    Row r = row(account);
    assertEquals(ak.id(), r.accountKeyId());
    assertEquals(1, r.version(), "the version stays: the devices' data stays readable");
    assertFalse(Arrays.equals(master, kekOpened(account)));
    assertArrayEquals(master, getKey(account, with(ak, new JsonObject())));
    assertEquals(403, f.fail(Addresses.DATA_KEY_GET_V2, account, noGrant(new JsonObject())).status(),
        "a session paired before the conversion has no grant");
  }

  @Test
  void aKeyRequestWithTheAccountKeyConvertsALegacyKeyToo() throws Exception {
    long account = DataFixture.newAccount();
    byte[] master = randomBytes(32);
    f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", b64(master)));
    AccountKey ak = KeyCustody.newAccountKey();
    assertArrayEquals(master, getKey(account, with(ak, new JsonObject())));
    assertEquals(ak.id(), row(account).accountKeyId(), "converted by the GET");
    assertArrayEquals(master, getKey(account, with(ak, new JsonObject())));
  }

  @Test
  void rewrappingUnderANewKekKeepsTheAccountKeyLayer() throws Exception {
    long account = DataFixture.newAccount();
    AccountKey ak = KeyCustody.newAccountKey();
    byte[] master = randomBytes(32);
    f.call(Addresses.DATA_KEY_PUT_V2, account, with(ak, new JsonObject().put("master_key", b64(master))));
    byte[] newKek = randomBytes(32);
    KeyWrapper wrapper = new KeyWrapper("custody-k2", newKek, Map.of(row(account).kekId(), f.kek));
    Pool pool = Database.pool(f.vertx, new Settings(f.config), "data");
    try {
      // this one row only, as Rewrap does for each (all rows would move every other test's keys off the KEK)
      KeyStore store = new KeyStore(pool);
      KeyStore.StoredKey stored = store.get(pool, account, false).await();
      assertTrue(store.rewrap(stored, wrapper.wrap(account, wrapper.unwrap(account, stored.wrapped()))).await());
    } finally {
      pool.close().await();
    }
    Row r = row(account);
    assertEquals("custody-k2", r.kekId());
    assertEquals(ak.id(), r.accountKeyId());
    byte[] inner = wrapper.unwrap(account, new KeyWrapper.Wrapped(r.wrapped(), r.iv(), r.kekId()));
    assertArrayEquals(master, KeyCustody.openMasterKey(ak, account, inner));
    assertThrows(KeyCustody.SealBroken.class,
        () -> KeyCustody.openMasterKey(KeyCustody.newAccountKey(), account, inner));
  }
}
