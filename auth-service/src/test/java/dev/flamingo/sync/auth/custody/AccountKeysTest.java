package dev.flamingo.sync.auth.custody;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.auth.account.PasswordHasher;
import dev.flamingo.sync.auth.account.PasswordReset;
import dev.flamingo.sync.auth.deviceflow.DeviceFlowService;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.security.KeyCustody;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * auth-service's side of key custody over the bus: the account key (AK) made at sign-up, opened by the
 * password at a claim into a pending grant, moved to the session at /token, carried over by rotation,
 * dropped by revocation, kept across a password change, created for an account from before key custody
 * at sign-in, replaced by an operator's reset.
 */
class AccountKeysTest extends AuthServiceTestBase {

  JsonObject grant(Paired p, String rawToken) {
    return data(Addresses.AUTH_KEY_GRANT, new JsonObject().put("grant_key", KeyCustody.grantKeyBase64(rawToken)),
        asSession(p.session()));
  }

  /** The session's account key over the bus: present, 32 bytes, with the account's key id from the row. */
  String accountKey(Paired p, String rawToken) {
    JsonObject g = grant(p, rawToken);
    assertEquals(true, g.getBoolean("custody"));
    assertNotNull(g.getValue("account_key"), "the session's grant opens: " + g.encode());
    assertEquals(32, KeyCustody.keyFromBase64(g.getString("account_key")).length);
    assertEquals(keyId(p.accountId()).toString(), g.getString("account_key_id"));
    return g.getString("account_key");
  }

  /** The account key opened straight from its auth.account_keys row with a password (what a claim does). */
  KeyCustody.AccountKey fromRow(long account, String password) {
    byte[] salt = (byte[]) scalar("select kdf_salt from auth.account_keys where account_id = ?", account);
    String params = (String) scalar("select kdf_params from auth.account_keys where account_id = ?", account);
    byte[] wrap = (byte[]) scalar("select password_wrap from auth.account_keys where account_id = ?", account);
    byte[] key = new PasswordHasher().deriveKey(password, salt, params);
    return KeyCustody.openAccountKey(key, AccountKeys.PASSWORD, account, wrap);
  }

  UUID keyId(long account) {
    Object id = scalar("select key_id from auth.account_keys where account_id = ?", account);
    return id == null ? null : (UUID) id;
  }

  String describeStatus(String temp) {
    return data(Addresses.AUTH_SYNC_DESCRIBE, new JsonObject().put("temp_token", temp), anon()).getString("status");
  }

  byte[] tempGrant(String temp) {
    return (byte[]) scalar("select key_grant from auth.temp_tokens where token_hash = ?",
        Tokens.sha256(temp));
  }

  byte[] sessionGrant(Paired p) {
    return (byte[]) scalar("select key_grant from auth.sessions where id = ?", UUID.fromString(p.sessionId()));
  }

  @Test
  void signUpMakesAnAccountKeyWrappedUnderThePasswordOnly() {
    long account = register().getLong("account_id");
    assertNotNull(keyId(account));
    byte[] wrap = (byte[]) scalar("select password_wrap from auth.account_keys where account_id = ?", account);
    assertEquals(12 + 16 + 32 + 16, wrap.length, "iv, key id, key, tag");
    assertEquals("m=19456,t=2,p=1", scalar("select kdf_params from auth.account_keys where account_id = ?", account));
  }

  @Test
  void aBrowserClaimNeedsTheRightPasswordAndTheTokenStaysPendingOtherwise() {
    long account = register().getLong("account_id");
    String temp = init("Laptop");
    assertFails(400, DeviceFlowService.PASSWORD_NEEDED, Addresses.AUTH_SYNC_CLAIM,
        new JsonObject().put("temp_token", temp), as(account));
    assertEquals("pending", describeStatus(temp));
    assertFails(400, AccountKeys.WRONG_PASSWORD, Addresses.AUTH_SYNC_CLAIM,
        new JsonObject().put("temp_token", temp).put("password", PASSWORD + "!"), as(account));
    assertEquals("pending", describeStatus(temp));
    assertNull(tempGrant(temp));

    claim(account, temp);
    assertEquals("claimed", describeStatus(temp));
    assertNotNull(tempGrant(temp), "the pending grant");
    JsonObject issued = data(Addresses.AUTH_SYNC_TOKEN, new JsonObject().put("temp_token", temp), anon());
    assertNull(tempGrant(temp), "moved to the session with the token exchange");
    String token = issued.getString("session_token");
    Paired p = paired(token);
    assertNotNull(sessionGrant(p));
    JsonObject g = grant(p, token);
    assertEquals(true, g.getBoolean("custody"));
    assertEquals(keyId(account).toString(), g.getString("account_key_id"));
    assertEquals(32, KeyCustody.keyFromBase64(g.getString("account_key")).length);
    // the very key the password opens from the row, and the one the session's own row grant holds
    KeyCustody.AccountKey row = fromRow(account, PASSWORD);
    assertEquals(keyId(account), row.id());
    assertEquals(row.keyBase64(), g.getString("account_key"));
    KeyCustody.AccountKey inSession = AccountKeys.openGrant(token, account, sessionGrant(p));
    assertNotNull(inSession);
    assertEquals(row.keyBase64(), inSession.keyBase64());
    assertNull(AccountKeys.openGrant(temp, account, sessionGrant(p)), "the session's grant is not under the temp token");
  }

  @Test
  void twoDevicesOpenTheSameAccountKeyAndAWrongGrantKeyOpensNothing() {
    long account = register().getLong("account_id");
    Paired a = pair(account, "A");
    Paired b = pair(account, "B");
    String ka = accountKey(a, a.token());
    assertEquals(ka, accountKey(b, b.token()));
    assertEquals(fromRow(account, PASSWORD).keyBase64(), ka);
    assertFalse(Arrays.equals(sessionGrant(a), sessionGrant(b)), "each session's grant is its own");

    JsonObject wrong = grant(a, b.token()); // a's session with b's token's key
    assertEquals(true, wrong.getBoolean("custody"));
    assertNull(wrong.getValue("account_key"));
    // another account's session with a's key: 401 (the session is not that account's)
    long other = register().getLong("account_id");
    Paired stranger = pair(other, "Stranger");
    JsonObject forged = stranger.session().copy().put("account_id", account);
    assertFails(401, "Unauthorized", Addresses.AUTH_KEY_GRANT,
        new JsonObject().put("grant_key", KeyCustody.grantKeyBase64(stranger.token())), asSession(forged));
    assertFails(400, "grant_key is required", Addresses.AUTH_KEY_GRANT, new JsonObject(), asSession(a.session()));
  }

  @Test
  void aDeviceClaimingWithItsBearerTokenPassesItsGrantOn() {
    long account = register().getLong("account_id");
    Paired claimer = pair(account, "Claimer");
    String ak = accountKey(claimer, claimer.token());
    String temp = init("Claimed by a device");
    call(Addresses.AUTH_SYNC_CLAIM, new JsonObject().put("temp_token", temp)
        .put("bearer_grant_key", KeyCustody.grantKeyBase64(claimer.token())), asSession(claimer.session()));
    Paired claimed = paired(data(Addresses.AUTH_SYNC_TOKEN, new JsonObject().put("temp_token", temp), anon())
        .getString("session_token"));
    assertEquals(ak, accountKey(claimed, claimed.token()));

    String bare = init("Claimed without the grant key");
    call(Addresses.AUTH_SYNC_CLAIM, new JsonObject().put("temp_token", bare), asSession(claimer.session()));
    Paired without = paired(data(Addresses.AUTH_SYNC_TOKEN, new JsonObject().put("temp_token", bare), anon())
        .getString("session_token"));
    assertNull(grant(without, without.token()).getValue("account_key"), "no grant to pass on: none");
  }

  @Test
  void rotationCarriesTheGrantOnlyWithTheOldTokensKeyAndRevocationDropsIt() {
    long account = register().getLong("account_id");
    Paired p = pair(account, "Rotating");
    String ak = accountKey(p, p.token());

    String rotated = data(Addresses.AUTH_SESSION_ROTATE, new JsonObject().put("grant_key",
        KeyCustody.grantKeyBase64(p.token())), asSession(p.session())).getString("session_token");
    Paired q = paired(rotated);
    assertNull(sessionGrant(p), "the retired session forgets its grant");
    assertEquals(ak, accountKey(q, rotated));
    assertFails(401, "Unauthorized", Addresses.AUTH_KEY_GRANT,
        new JsonObject().put("grant_key", KeyCustody.grantKeyBase64(p.token())), asSession(p.session()));

    String bare = data(Addresses.AUTH_SESSION_ROTATE, new JsonObject(), asSession(q.session())).getString("session_token");
    Paired r = paired(bare);
    JsonObject none = grant(r, bare);
    assertEquals(true, none.getBoolean("custody"));
    assertNull(none.getValue("account_key"), "rotated without the old token's key: no grant");

    Paired s = pair(account, "Revoked");
    assertNotNull(sessionGrant(s));
    assertEquals(ak, accountKey(s, s.token()));
    call(Addresses.AUTH_SESSION_REVOKE, new JsonObject(), asSession(s.session()));
    assertNull(sessionGrant(s));
    assertFails(401, "Unauthorized", Addresses.AUTH_KEY_GRANT,
        new JsonObject().put("grant_key", KeyCustody.grantKeyBase64(s.token())), asSession(s.session()));
  }

  @Test
  void aPasswordChangeKeepsTheAccountKeyAndEveryDevicesGrant() {
    JsonObject reg = register();
    long account = reg.getLong("account_id");
    Paired a = pair(account, "A");
    Paired b = pair(account, "B");
    String ak = accountKey(a, a.token());
    assertEquals(ak, accountKey(b, b.token()));
    UUID id = keyId(account);
    byte[] oldWrap = (byte[]) scalar("select password_wrap from auth.account_keys where account_id = ?", account);

    String next = "a brand new password";
    call(Addresses.AUTH_PASSWORD_CHANGE, new JsonObject().put("current_password", PASSWORD).put("new_password", next),
        as(account));
    assertEquals(id, keyId(account));
    assertFalse(Arrays.equals(oldWrap,
        (byte[]) scalar("select password_wrap from auth.account_keys where account_id = ?", account)));
    assertEquals(ak, accountKey(a, a.token()));
    assertEquals(ak, accountKey(b, b.token()));
    assertEquals(ak, fromRow(account, next).keyBase64(), "the new wrap holds the same key");
    assertEquals(id, fromRow(account, next).id());

    String temp = init("After the change");
    assertFails(400, AccountKeys.WRONG_PASSWORD, Addresses.AUTH_SYNC_CLAIM,
        new JsonObject().put("temp_token", temp).put("password", PASSWORD), as(account));
    assertEquals("pending", describeStatus(temp), "the old password claims nothing");
    call(Addresses.AUTH_SYNC_CLAIM, new JsonObject().put("temp_token", temp).put("password", next), as(account));
    String token = data(Addresses.AUTH_SYNC_TOKEN, new JsonObject().put("temp_token", temp), anon()).getString("session_token");
    assertEquals(ak, accountKey(paired(token), token));
  }

  @Test
  void anAccountFromBeforeKeyCustodyGetsItsKeyAtSignIn() {
    JsonObject reg = register();
    long account = reg.getLong("account_id");
    Paired old = pair(account, "Paired before");
    // the state of an account from before the upgrade: no account key, sessions without grants
    assertEquals(1, sql("delete from auth.account_keys where account_id = ?", account));
    sql("update auth.sessions set key_grant = null where account_id = ?", account);
    JsonObject before = grant(old, old.token());
    assertEquals(false, before.getBoolean("custody"), "no account key yet: data-service serves the KEK-only key");

    call(Addresses.AUTH_LOGIN, new JsonObject().put("email", reg.getString("email")).put("password", PASSWORD), anon());
    UUID id = keyId(account);
    assertNotNull(id, "made at sign-in");
    JsonObject after = grant(old, old.token());
    assertEquals(true, after.getBoolean("custody"));
    assertNull(after.getValue("account_key"), "a session from before has no grant: it pairs again");
    Paired fresh = pair(account, "Paired after");
    assertEquals(id.toString(), grant(fresh, fresh.token()).getString("account_key_id"));
    // a second sign-in changes nothing
    call(Addresses.AUTH_LOGIN, new JsonObject().put("email", reg.getString("email")).put("password", PASSWORD), anon());
    assertEquals(id, keyId(account));
  }

  @Test
  void aClaimConvertsAnAccountFromBeforeKeyCustodyToo() {
    long account = register().getLong("account_id");
    sql("delete from auth.account_keys where account_id = ?", account);
    String temp = init("Legacy claim");
    assertFails(400, AccountKeys.WRONG_PASSWORD, Addresses.AUTH_SYNC_CLAIM,
        new JsonObject().put("temp_token", temp).put("password", "not it at all"), as(account));
    assertNull(keyId(account), "a wrong password makes no key");
    claim(account, temp);
    assertNotNull(keyId(account));
    String token = data(Addresses.AUTH_SYNC_TOKEN, new JsonObject().put("temp_token", temp), anon()).getString("session_token");
    assertEquals(keyId(account).toString(), grant(paired(token), token).getString("account_key_id"));
  }

  @Test
  void anOperatorsResetReplacesTheAccountKeyAndEndsEverySession() {
    JsonObject reg = register();
    long account = reg.getLong("account_id");
    Paired p = pair(account, "Before the reset");
    UUID before = keyId(account);
    Pool pool = Database.pool(vertx, new Settings(config), "auth");
    PasswordReset.Result r;
    try {
      r = new PasswordReset(vertx, pool).begin(reg.getString("email").toUpperCase()).await();
    } finally {
      pool.close().await();
    }
    assertEquals(account, r.accountId());
    assertEquals(1, r.sessionsRevoked());
    assertEquals("http://h/reset?token=" + r.token(), r.link("http://h"));
    assertNull(sessionGrant(p));
    assertFails(401, "Unauthorized", Addresses.AUTH_SESSION_VALIDATE,
        new JsonObject().put("session_token", p.token()), anon());
    assertFails(401, "Invalid email or password", Addresses.AUTH_LOGIN,
        new JsonObject().put("email", reg.getString("email")).put("password", PASSWORD), anon());
    assertEquals(before, keyId(account), "the key is replaced only when the owner chooses the password");

    String mine = "correct horse battery staple 42";
    JsonObject done = data(Addresses.AUTH_PASSWORD_RESET_COMPLETE, new JsonObject().put("token", r.token())
        .put("password", mine), anon());
    assertEquals(account, done.getLong("account_id"));
    UUID after = keyId(account);
    assertNotEquals(before, after);
    assertFails(400, PasswordReset.USED, Addresses.AUTH_PASSWORD_RESET_COMPLETE,
        new JsonObject().put("token", r.token()).put("password", mine), anon());
    call(Addresses.AUTH_LOGIN, new JsonObject().put("email", reg.getString("email")).put("password", mine), anon());
    String temp = init("After the reset");
    call(Addresses.AUTH_SYNC_CLAIM, new JsonObject().put("temp_token", temp).put("password", mine), as(account));
    String token = data(Addresses.AUTH_SYNC_TOKEN, new JsonObject().put("temp_token", temp), anon()).getString("session_token");
    assertEquals(after.toString(), grant(paired(token), token).getString("account_key_id"));
    JsonObject audit = awaitEvent(Addresses.EVENT_AUDIT, e -> "account.password_reset".equals(e.getString("event_type"))
        && Long.valueOf(account).equals(e.getLong("account_id")));
    assertNotNull(audit, "the reset is in the audit log");
  }
}
