package dev.flamingo.sync.standalone;

import static dev.flamingo.sync.standalone.BackupRestoreTest.b64;
import static dev.flamingo.sync.standalone.BackupRestoreTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.KeyCustody;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import dev.flamingo.sync.testing.TestDatabase;
import dev.flamingo.sync.testing.TotpCodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The proof of key custody, end to end on real servers and real PostgreSQL databases: an attacker who steals
 * the WHOLE database ({@code pg_dump} of every schema) and EVERY server secret (the secrets directory: kek,
 * kek-id, jwt-secret; and the settings) finds the master key nowhere in any encoding, cannot open it with the
 * KEK (that opens only the outer layer: the account key's ciphertext is inside), and, running a server of
 * their own from the stolen material, gets no key: not without a token, not with forged tokens or forged
 * account ids, not with a browser login forged with the stolen JWT secret (which does sign in to the web API,
 * but a claim needs the password and no web route shows the key), not with sessions of their own written
 * into the database they hold, not by asking every key address on their server's own event bus directly
 * (no gateway in between: the account and device 1's session in context, account keys and grant keys made
 * from the loot). One live session token of the real user (the grant it opens is in the dump;
 * only the raw token, which the server never stored, opens it) does read the key on that restored server.
 */
class KeyCustodyProofTest {
  static final HexFormat HEX = HexFormat.of();

  @Test
  void aStolenDatabaseAndEveryServerSecretOpenNoKeyButOneLiveSessionTokenDoes() throws Exception {
    Path secrets = Files.createTempDirectory("flamingo-custody-secrets");
    Path loot = Files.createTempDirectory("flamingo-custody-loot"); // what the attacker walks away with
    Path stolenSecrets = loot.resolve("secrets");
    Path dump = loot.resolve("flamingo.sql");
    Path stolenSettings = loot.resolve("settings.json");
    String email = "custody@example.com";
    String password = "correct horse battery staple " + Tokens.randomHex(4);
    byte[] masterKey = random(32);
    String token1;
    String token2;
    int version;
    String totpSecret; // the account's authenticator app (issue 24): sealed with the KEK, so not in a dump
    try (TestDatabase original = TestDatabase.create(); TestDatabase stolen = TestDatabase.create()) {
      // 1. the real server: an account, two devices paired by cookie claims with the password, one key
      JsonObject settings = settings(original, secrets);
      Server server = start(settings);
      try (ApiClient api = new ApiClient(server.vertx(), server.port())) {
        String cookie = register(api, email, password);
        totpSecret = enrollTotp(api, cookie);
        token1 = pair(api, cookie, password, "Laptop");
        token2 = pair(api, cookie, password, "Desktop");
        Response put = api.put("/api/sync/key", token1, new JsonObject().put("master_key", b64(masterKey)));
        assertEquals(200, put.status, put.toString());
        Response got = api.get("/api/sync/key", token2);
        assertEquals(200, got.status, "the second device gets the existing key: " + got);
        assertArrayEquals(masterKey, Base64.getDecoder().decode(got.data().getString("master_key")));
        version = got.data().getInteger("version");
        Response again = api.get("/api/sync/key", token1);
        assertEquals(200, again.status, again.toString());
        assertEquals(b64(masterKey), again.data().getString("master_key"));
      } finally {
        server.vertx().close().await();
      }

      // 2. the theft, with the server stopped: the whole database and every secret
      pgDump(original, dump);
      Files.createDirectories(stolenSecrets);
      try (Stream<Path> files = Files.list(secrets)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Files.copy(f, stolenSecrets.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      assertTrue(Files.exists(stolenSecrets.resolve("kek")), "the KEK file is stolen");
      assertTrue(Files.exists(stolenSecrets.resolve("jwt-secret")), "the JWT secret file is stolen");
      Files.writeString(stolenSettings, settings.encodePrettily());
      byte[] kek = Base64.getDecoder().decode(Files.readString(stolenSecrets.resolve("kek")).trim());
      assertEquals(32, kek.length);
      String jwtSecret = Files.readString(stolenSecrets.resolve("jwt-secret")).trim();

      // 3. the key is nowhere in what was stolen, in any encoding; neither are the raw tokens or the password
      byte[] dumpBytes = Files.readAllBytes(dump);
      String dumpText = new String(dumpBytes, StandardCharsets.ISO_8859_1);
      assertTrue(dumpText.contains("master_keys") && dumpText.contains("account_keys") && dumpText.contains(email),
          "the dump holds every schema: the test looks at the real thing");
      assertKeyAbsent("the pg_dump of the whole database", dumpBytes, masterKey);
      try (Stream<Path> files = Files.list(loot.resolve("secrets"))) {
        for (Path f : files.toList()) {
          assertKeyAbsent("the stolen secret " + f.getFileName(), Files.readAllBytes(f), masterKey);
        }
      }
      assertKeyAbsent("the stolen settings", Files.readAllBytes(stolenSettings), masterKey);
      for (String token : List.of(token1, token2)) {
        assertFalse(dumpText.contains(token.substring(Tokens.SESSION_PREFIX.length())), "a raw session token is in the dump");
        assertKeyAbsent("the pg_dump of the whole database (a grant key)", dumpBytes, KeyCustody.grantKey(token));
      }
      assertFalse(dumpText.contains(password), "the password is in the dump");
      // the TOTP secret neither: a dump alone computes no code (the KEK seals it, the account id bound in)
      assertTrue(dumpText.contains("totp_factors"), "the dump holds the TOTP table");
      assertFalse(dumpText.toUpperCase().contains(totpSecret), "the TOTP secret (base32) is in the dump");
      assertKeyAbsent("the pg_dump of the whole database (the TOTP secret)", dumpBytes, TotpCodes.base32(totpSecret));

      // ... and the stolen KEK opens only the outer layer of data.master_keys: inside is another ciphertext
      long account;
      byte[] accountKey; // a copy of AK, to look for it in the attacker server's answers below
      try (Connection c = original.connect()) {
        account = accountId(c, email);
        List<Map<String, byte[]>> rows = new ArrayList<>();
        long version0 = -1;
        try (PreparedStatement s = c.prepareStatement("select * from data.master_keys where account_id = ?")) {
          s.setLong(1, account);
          try (ResultSet rs = s.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
              Map<String, byte[]> row = new LinkedHashMap<>();
              for (int i = 1; i <= md.getColumnCount(); i++) {
                if ("bytea".equals(md.getColumnTypeName(i)) && rs.getBytes(i) != null) {
                  row.put(md.getColumnName(i), rs.getBytes(i));
                }
              }
              version0 = rs.getLong("version");
              rows.add(row);
            }
          }
        }
        assertEquals(1, rows.size(), "one escrowed key for the account");
        assertEquals(version, version0);
        Map<String, byte[]> row = rows.get(0);
        byte[] iv = row.get("iv");
        byte[] wrapped = row.get("wrapped_key");
        assertNotNull(iv, "data.master_keys.iv");
        assertNotNull(wrapped, "data.master_keys.wrapped_key");
        byte[] inner = kekOpen(kek, iv, account, wrapped);
        assertNotNull(inner, "the stolen KEK is the real outer layer of data.master_keys.wrapped_key");
        assertFalse(Arrays.equals(masterKey, inner), "the KEK alone opened the master key");
        assertTrue(inner.length > masterKey.length, "inside the KEK layer is a ciphertext, not a key: " + inner.length + " bytes");
        assertKeyAbsent("the KEK-decrypted data.master_keys.wrapped_key", inner, masterKey);
        // every bytea value of the row, every way the KEK could be applied: never the master key
        for (Map.Entry<String, byte[]> e : row.entrySet()) {
          assertKeyAbsent("data.master_keys." + e.getKey(), e.getValue(), masterKey);
          for (byte[] opened : kekAttempts(kek, iv, account, e.getValue())) {
            assertFalse(Arrays.equals(masterKey, opened), "the KEK opened the master key from " + e.getKey());
            assertKeyAbsent("data.master_keys." + e.getKey() + " opened with the KEK", opened, masterKey);
            // the inner layer does not open with the KEK a second time either
            for (byte[] twice : kekAttempts(kek, iv, account, opened)) {
              assertKeyAbsent("data.master_keys." + e.getKey() + " opened twice with the KEK", twice, masterKey);
            }
          }
        }

        // the stored grants and the password wrap of AK: the KEK, the stored token hashes, the JWT secret and
        // keys derived from what is stored open none of them
        List<byte[]> candidates = new ArrayList<>(List.of(kek, sha256(jwtSecret)));
        Map<String, byte[]> grants = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(
            "select id, token_hash, key_grant from auth.sessions where account_id = ? and revoked_at is null")) {
          s.setLong(1, account);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              byte[] hash = rs.getBytes("token_hash");
              candidates.add(hash);
              candidates.add(KeyCustody.grantKey(HEX.formatHex(hash)));
              candidates.add(KeyCustody.grantKey(Tokens.SESSION_PREFIX + HEX.formatHex(hash) + HEX.formatHex(hash)));
              byte[] grant = rs.getBytes("key_grant");
              assertNotNull(grant, "each paired session holds a grant (auth.sessions.key_grant)");
              grants.put(rs.getString("id"), grant);
            }
          }
        }
        assertEquals(2, grants.size(), "two devices, two grants");
        try (PreparedStatement s = c.prepareStatement("select token_hash, key_grant from auth.temp_tokens where claimed_by = ?")) {
          s.setLong(1, account);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) { // a pending grant of a claimed temp token, if one is still stored
              byte[] hash = rs.getBytes("token_hash");
              candidates.add(hash);
              candidates.add(KeyCustody.grantKey(HEX.formatHex(hash)));
              byte[] grant = rs.getBytes("key_grant");
              if (grant != null) {
                grants.put("temp token " + HEX.formatHex(hash), grant);
              }
            }
          }
        }
        byte[] passwordWrap;
        try (PreparedStatement s = c.prepareStatement("select password_wrap from auth.account_keys where account_id = ?")) {
          s.setLong(1, account);
          try (ResultSet rs = s.executeQuery()) {
            assertTrue(rs.next(), "the account key is in auth.account_keys");
            passwordWrap = rs.getBytes(1);
          }
        }
        for (byte[] candidate : candidates) {
          for (byte[] grant : grants.values()) {
            assertThrows(KeyCustody.SealBroken.class, () -> KeyCustody.openGrant(candidate, account, grant),
                "a grant opened without the raw token");
          }
          assertThrows(KeyCustody.SealBroken.class, () -> KeyCustody.openAccountKey(candidate, "password", account, passwordWrap),
              "the password wrap opened without the password");
        }

        // the control: the raw token (which only the device has) does open its grant, and the chain
        // grant → AK → inner layer → master key holds: the layers above are the real ones
        byte[] grant1;
        try (PreparedStatement s = c.prepareStatement("select key_grant from auth.sessions where token_hash = ?")) {
          s.setBytes(1, Tokens.sha256(token1));
          try (ResultSet rs = s.executeQuery()) {
            assertTrue(rs.next(), "device 1's session is in the dump");
            grant1 = rs.getBytes(1);
          }
        }
        KeyCustody.AccountKey ak = KeyCustody.openGrant(KeyCustody.grantKey(token1), account, grant1);
        assertArrayEquals(masterKey, KeyCustody.openMasterKey(ak, account, inner),
            "with the raw token: grant → account key → master key");
        assertKeyAbsent("the pg_dump of the whole database (the account key)", dumpBytes, ak.key());
        accountKey = ak.key().clone();
        ak.wipe();
      }

      // 4. the attacker's server: the dump restored into a fresh database, the same secrets and settings
      psqlRestore(stolen, dump);
      Path attackerSecrets = Files.createTempDirectory("flamingo-custody-attacker");
      try (Stream<Path> files = Files.list(stolenSecrets)) {
        for (Path f : files.toList()) {
          Files.copy(f, attackerSecrets.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      JsonObject attackerSettings = new JsonObject(Files.readString(stolenSettings))
          .put(Settings.DB_URL, stolen.url()).put(Settings.SECRETS_DIR, attackerSecrets.toString());
      Server attacker = start(attackerSettings);
      try (ApiClient api = new ApiClient(attacker.vertx(), attacker.port())) {
        String stamp;
        String device1Session;
        String device1Prefix;
        String device1Hash;
        try (Connection c = stolen.connect()) {
          assertEquals(account, accountId(c, email), "the restored database is the stolen one");
          stamp = string(c, "select security_stamp from auth.accounts where id = ?", account);
          try (PreparedStatement s = c.prepareStatement(
              "select id, token_prefix, token_hash from auth.sessions where token_hash = ?")) {
            s.setBytes(1, Tokens.sha256(token1));
            try (ResultSet rs = s.executeQuery()) {
              assertTrue(rs.next());
              device1Session = rs.getString("id");
              device1Prefix = rs.getString("token_prefix");
              device1Hash = HEX.formatHex(rs.getBytes("token_hash"));
            }
          }
        }
        String accountText = Long.toString(account);

        // no token, forged tokens of the right format: 401
        assertKeyRefused(api.get("/api/sync/key", null), 401, masterKey);
        List<String> forged = List.of(
            Tokens.newSessionToken(),
            device1Prefix + Tokens.randomHex(64).substring(0, 128 - (device1Prefix.length() - Tokens.SESSION_PREFIX.length())),
            Tokens.SESSION_PREFIX + device1Hash + device1Hash);
        for (String token : forged) {
          assertTrue(Tokens.isSessionToken(token), token);
          assertKeyRefused(api.get("/api/sync/key", token), 401, masterKey);
        }
        // the account id (and the session and device ids from the dump) in every header and field: no matter
        Map<String, String> claimed = new HashMap<>();
        claimed.put("flamingo-account-id", accountText);
        claimed.put("flamingo-session-id", device1Session);
        claimed.put("X-Account-Id", accountText);
        claimed.put("X-Flamingo-Account-Id", accountText);
        claimed.put("X-User-Id", accountText);
        String query = "?account_id=" + accountText + "&user_id=" + accountText + "&session_id=" + device1Session;
        for (String token : new String[] {null, forged.get(0)}) {
          assertKeyRefused(api.send(HttpMethod.GET, "/api/sync/key" + query, token, null, claimed), 401, masterKey);
          assertKeyRefused(api.send(HttpMethod.GET, "/api/sync/key", token,
              Buffer.buffer(new JsonObject().put("account_id", account).put("session_id", device1Session).encode()), claimed),
              401, masterKey);
        }

        // a browser login forged with the stolen JWT secret and the stamp from the dump: it DOES sign in...
        String cookie = "flamingo_login=" + forgeBrowserLogin(jwtSecret, account, stamp);
        Response me = api.web(HttpMethod.GET, "/api/auth/me", cookie, null, null);
        assertEquals(200, me.status, "the forged browser login signs in to the web API: " + me);
        assertEquals(email, me.data().getString("email"));
        // ... but it is no Bearer token
        assertKeyRefused(api.send(HttpMethod.GET, "/api/sync/key", null, null, Map.of("Cookie", cookie)), 401, masterKey);
        Map<String, String> cookieAndIds = new HashMap<>(claimed);
        cookieAndIds.put("Cookie", cookie);
        assertKeyRefused(api.send(HttpMethod.GET, "/api/sync/key" + query, null, null, cookieAndIds), 401, masterKey);

        // (a) pairing a device of the attacker's needs the password, which no stolen thing holds
        Response init = api.post("/api/sync/init", null, new JsonObject().put("device_name", "Attacker").put("device_type", "desktop"));
        assertEquals(200, init.status, init.toString());
        String temp = init.data().getString("temp_token");
        Response noPassword = claim(api, cookie, temp, null);
        assertEquals(400, noPassword.status, "a cookie claim without the password: " + noPassword);
        assertKeyAbsent("the claim without a password", noPassword.raw.bodyAsString(), masterKey);
        Response wrongPassword = claim(api, cookie, temp, "not the password");
        assertEquals(400, wrongPassword.status, "a cookie claim with a wrong password: " + wrongPassword);
        assertKeyAbsent("the claim with a wrong password", wrongPassword.raw.bodyAsString(), masterKey);
        Response exchange = api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
        assertNotEquals(200, exchange.status, "the refused claims authorized the temp token: " + exchange);
        assertFalse(exchange.raw.bodyAsString().contains("flm_sync_"), exchange.toString());

        // (b) what the forged login can read on the web API: never the key
        Response keyStatus = api.web(HttpMethod.GET, "/api/web/key", cookie, null, null);
        assertEquals(200, keyStatus.status, keyStatus.toString());
        assertEquals(true, keyStatus.data().getBoolean("set"), "the status says a key is there: " + keyStatus);
        assertNoKeyInAnswer("GET /api/web/key", keyStatus, masterKey);
        Response overview = api.web(HttpMethod.GET, "/api/web/overview", cookie, null, null);
        assertEquals(200, overview.status, overview.toString());
        assertNoKeyInAnswer("GET /api/web/overview", overview, masterKey);
        for (String path : List.of("/api/web/device-request?token=" + temp, "/api/web/devices", "/api/web/config",
            "/api/web/audit", "/api/auth/me")) {
          Response r = api.web(HttpMethod.GET, path, cookie, null, null);
          assertTrue(r.status < 500, "GET " + path + ": " + r);
          assertNoKeyInAnswer("GET " + path, r, masterKey);
        }

        // (c) the attacker runs this server: its own event bus, every key address asked directly with the account
        // and device 1's session and device in context (no gateway in between) and every custody field that
        // can be made from the loot, answers no master key and no account key
        String storedAkId;
        String device1Device;
        byte[] wrappedBefore;
        try (Connection c = stolen.connect()) {
          storedAkId = string(c, "select account_key_id::text from data.master_keys where account_id = ?", account);
          assertNotNull(storedAkId, "the key is under key custody");
          device1Device = string(c, "select device_id::text from auth.sessions where id = '" + device1Session
              + "'::uuid and account_id = ?", account);
          wrappedBefore = HEX.parseHex(string(c,
              "select encode(wrapped_key, 'hex') from data.master_keys where account_id = ?", account));
        }
        RequestContext asDevice1 = RequestContext.anonymous("attacker", "127.0.0.1", "attacker")
            .withAccount(account, device1Session, device1Device);
        RequestContext asAccount = RequestContext.anonymous("attacker", "127.0.0.1", "attacker")
            .withAccount(account, null, null);
        byte[] device1HashBytes = HEX.parseHex(device1Hash);
        List<byte[]> guesses = List.of(kek, sha256(jwtSecret), device1HashBytes, KeyCustody.grantKey(device1Hash),
            KeyCustody.grantKey(Tokens.SESSION_PREFIX + device1Hash + device1Hash), random(32));
        List<String> keyIds = List.of(storedAkId, UUID.randomUUID().toString());
        Vertx bus = attacker.vertx();
        for (RequestContext ctx : List.of(asDevice1, asAccount)) {
          assertBusRefused(bus, "v1 key.get", Addresses.DATA_KEY_GET, new JsonObject(), ctx, masterKey, accountKey);
          assertBusRefused(bus, "v2 key.get", Addresses.DATA_KEY_GET_V2, new JsonObject(), ctx, masterKey, accountKey);
          for (boolean custody : new boolean[] {false, true}) {
            assertBusRefused(bus, "v2 key.get, custody " + custody, Addresses.DATA_KEY_GET_V2,
                new JsonObject().put("custody", custody), ctx, masterKey, accountKey);
          }
          for (byte[] guess : guesses) {
            for (String keyId : keyIds) {
              assertBusRefused(bus, "v2 key.get with a guessed account key (id " + keyId + ")", Addresses.DATA_KEY_GET_V2,
                  new JsonObject().put("custody", true).put("account_key", b64(guess)).put("account_key_id", keyId),
                  ctx, masterKey, accountKey);
              BusAnswer convert = busAnswer(bus, Addresses.DATA_KEY_CONVERT,
                  new JsonObject().put("account_key", b64(guess)).put("account_key_id", keyId), ctx);
              assertNoKeyOnBus("key.convert with a guessed account key", convert, masterKey, accountKey);
              assertTrue(convert.failed() || !convert.reply().getJsonObject("data").getBoolean("converted"),
                  "a guessed account key converted the key: " + convert);
            }
          }
          BusAnswer status = busAnswer(bus, Addresses.DATA_KEY_STATUS, new JsonObject(), ctx);
          assertNoKeyOnBus("key.status", status, masterKey, accountKey);
          assertFalse(status.failed(), status.toString());
          assertEquals(true, status.reply().getJsonObject("data").getBoolean("custody"), status.toString());
        }
        // auth-service's key.grant, for device 1's session: without the raw token's grant key, no account key
        assertBusRefused(bus, "key.grant without a grant key", Addresses.AUTH_KEY_GRANT, new JsonObject(), asDevice1,
            masterKey, accountKey);
        assertBusRefused(bus, "key.grant without a session", Addresses.AUTH_KEY_GRANT,
            new JsonObject().put("grant_key", b64(KeyCustody.grantKey(device1Hash))), asAccount, masterKey, accountKey);
        for (byte[] guess : guesses) {
          BusAnswer grant = busAnswer(bus, Addresses.AUTH_KEY_GRANT, new JsonObject().put("grant_key", b64(guess)), asDevice1);
          assertNoKeyOnBus("key.grant with a guessed grant key", grant, masterKey, accountKey);
          assertFalse(grant.failed(), "key.grant for a live session: " + grant);
          JsonObject data = grant.reply().getJsonObject("data");
          assertEquals(true, data.getBoolean("custody"), grant.toString());
          assertNull(data.getValue("account_key"), "a guessed grant key opened device 1's grant: " + grant);
        }
        // a Bearer claim on the bus as device 1 (the session from the dump) with a guessed grant key: the new
        // device is paired, without a grant, and gets no key
        Response busInit = api.post("/api/sync/init", null,
            new JsonObject().put("device_name", "Attacker 2").put("device_type", "desktop"));
        assertEquals(200, busInit.status, busInit.toString());
        String busTemp = busInit.data().getString("temp_token");
        BusAnswer busClaim = busAnswer(bus, Addresses.AUTH_SYNC_CLAIM, new JsonObject().put("temp_token", busTemp)
            .put("bearer_grant_key", b64(KeyCustody.grantKey(device1Hash))), asDevice1);
        assertNoKeyOnBus("a Bearer claim on the bus", busClaim, masterKey, accountKey);
        assertFalse(busClaim.failed(), "a Bearer claim needs no password: " + busClaim);
        Response busToken = api.post("/api/sync/token", null, new JsonObject().put("temp_token", busTemp));
        assertEquals(200, busToken.status, busToken.toString());
        assertKeyRefused(api.get("/api/sync/key", busToken.data().getString("session_token")), 403, masterKey);
        try (Connection c = stolen.connect()) {
          assertArrayEquals(wrappedBefore, HEX.parseHex(string(c,
              "select encode(wrapped_key, 'hex') from data.master_keys where account_id = ?", account)),
              "the attacker's bus requests changed the stored key");
          assertEquals(storedAkId, string(c, "select account_key_id::text from data.master_keys where account_id = ?",
              account));
        }

        // sessions of the attacker's own, written into the database they hold: a valid session without a
        // grant gets 403; one carrying device 1's grant (copied from the dump) cannot open it
        String mintedNoGrant = Tokens.newSessionToken();
        String mintedCopiedGrant = Tokens.newSessionToken();
        try (Connection c = stolen.connect()) {
          mintSession(c, token1, mintedNoGrant, false);
          mintSession(c, token1, mintedCopiedGrant, true);
        }
        Response config = api.get("/api/sync/config", mintedNoGrant);
        assertEquals(200, config.status, "the minted session is a valid session: " + config);
        assertKeyRefused(api.get("/api/sync/key", mintedNoGrant), 403, masterKey);
        Response copied = api.get("/api/sync/key", mintedCopiedGrant);
        assertNotEquals(200, copied.status, "a grant copied to another token opened the key: " + copied);
        assertKeyAbsent("GET /api/sync/key with a copied grant", copied.raw.bodyAsString(), masterKey);

        // 5. one live session token of the real user: the restored server does return the key
        Response k = api.get("/api/sync/key", token1);
        assertEquals(200, k.status, "device 1's token on the restored server: " + k);
        assertEquals(b64(masterKey), k.data().getString("master_key"));
        assertEquals(Integer.valueOf(version), k.data().getInteger("version"));
      } finally {
        attacker.vertx().close().await();
        deleteTree(attackerSecrets);
        deleteTree(loot);
        deleteTree(secrets);
      }
    }
  }

  /** 6. A revoked device loses the key at once; the other device keeps it; a device paired later gets it. */
  @Test
  void aRevokedDeviceGetsNoKeyAndTheOtherStillReadsIt() throws Exception {
    Path secrets = Files.createTempDirectory("flamingo-custody-secrets");
    String email = "custody.revoke@example.com";
    String password = "another long password " + Tokens.randomHex(4);
    byte[] masterKey = random(32);
    try (TestDatabase db = TestDatabase.create()) {
      Server server = start(settings(db, secrets));
      try (ApiClient api = new ApiClient(server.vertx(), server.port())) {
        String cookie = register(api, email, password);
        String token1 = pair(api, cookie, password, "Laptop");
        String token2 = pair(api, cookie, password, "Desktop");
        assertEquals(200, api.put("/api/sync/key", token1, new JsonObject().put("master_key", b64(masterKey))).status);
        Response got = api.get("/api/sync/key", token2);
        assertEquals(200, got.status, got.toString());
        assertEquals(b64(masterKey), got.data().getString("master_key"));

        Response revoke = api.post("/api/sync/revoke", token2, new JsonObject());
        assertEquals(200, revoke.status, revoke.toString());
        long deadline = System.currentTimeMillis() + 30_000;
        Response after = api.get("/api/sync/key", token2);
        while (after.status != 401 && System.currentTimeMillis() < deadline) {
          Thread.sleep(100);
          after = api.get("/api/sync/key", token2);
        }
        assertKeyRefused(after, 401, masterKey);

        Response still = api.get("/api/sync/key", token1);
        assertEquals(200, still.status, "device 1 after device 2's revocation: " + still);
        assertEquals(b64(masterKey), still.data().getString("master_key"));

        String token3 = pair(api, cookie, password, "New laptop");
        Response third = api.get("/api/sync/key", token3);
        assertEquals(200, third.status, "a device paired later with the password: " + third);
        assertEquals(b64(masterKey), third.data().getString("master_key"));
      } finally {
        server.vertx().close().await();
        deleteTree(secrets);
      }
    }
  }

  // ---- the servers, as BackupRestoreTest starts them (secrets as files in the secrets directory) ----

  record Server(Vertx vertx, int port) {}

  /** The one-box server's settings on {@code db}: the KEK and the JWT secret live as files in {@code secrets}. */
  static JsonObject settings(TestDatabase db, Path secrets) {
    JsonObject config = TestConfig.base(db.url()).put(Settings.SECRETS_DIR, secrets.toString())
        .put(Settings.GATEWAY_INSTANCES, 1);
    config.remove(Settings.JWT_SECRET);
    config.remove("FLAMINGO_KEK");
    config.remove("FLAMINGO_KEK_ID");
    config.remove(Settings.HTTP_PORT);
    return config;
  }

  static Server start(JsonObject settings) {
    Vertx vertx = Vertx.vertx();
    int port = TestCluster.freePort();
    try {
      Services.deployAll(vertx, new Settings(settings.copy().put(Settings.HTTP_PORT, port))).await();
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
    return new Server(vertx, port);
  }

  // ---- what the desktop client and the browser do (the claim sends the password) ----

  /** Turns TOTP on for the cookie's account; its base32 secret. */
  static String enrollTotp(ApiClient api, String cookie) {
    Response offer = api.web(HttpMethod.POST, "/api/web/security/totp", cookie, "http://flamingo.test", new JsonObject());
    assertEquals(200, offer.status, offer.toString());
    String secret = offer.data().getString("secret");
    TotpCodes.freshStep(5);
    Response on = api.web(HttpMethod.POST, "/api/web/security/totp/confirm", cookie, "http://flamingo.test",
        new JsonObject().put("code", TotpCodes.now(secret)));
    assertEquals(200, on.status, on.toString());
    return secret;
  }

  static String register(ApiClient api, String email, String password) {
    Response r = api.post("/api/auth/register", null, new JsonObject().put("email", email).put("password", password));
    assertEquals(200, r.status, r.toString());
    String setCookie = r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  static String pair(ApiClient api, String cookie, String password, String deviceName) {
    Response init = api.post("/api/sync/init", null, new JsonObject().put("device_name", deviceName).put("device_type", "desktop"));
    assertEquals(200, init.status, init.toString());
    String temp = init.data().getString("temp_token");
    Response claim = claim(api, cookie, temp, password);
    assertEquals(200, claim.status, claim.toString());
    Response token = api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
    assertEquals(200, token.status, token.toString());
    String session = token.data().getString("session_token");
    assertTrue(Tokens.isSessionToken(session), token.toString());
    return session;
  }

  static Response claim(ApiClient api, String cookie, String temp, String password) {
    JsonObject body = new JsonObject().put("temp_token", temp);
    if (password != null) {
      body.put("password", password);
    }
    return api.send(HttpMethod.POST, "/api/sync/claim", null, Buffer.buffer(body.encode()),
        Map.of("Cookie", cookie, "Content-Type", "application/json"));
  }

  /** What a bus request answered: the reply's body, or the failure (code and message). */
  record BusAnswer(JsonObject reply, int failureCode, String failure) {
    boolean failed() {
      return reply == null;
    }

    String text() {
      return failed() ? failureCode + " " + failure : reply.encode();
    }

    @Override
    public String toString() {
      return text();
    }
  }

  /** A request on {@code vertx}'s event bus as a node of the server would send it (the contract headers, {@code ctx}). */
  static BusAnswer busAnswer(Vertx vertx, String address, JsonObject body, RequestContext ctx) {
    try {
      Object reply = vertx.eventBus().request(address, body, ctx.toDeliveryOptions(10_000)).await().body();
      return new BusAnswer(reply instanceof JsonObject j ? j : new JsonObject().put("reply", String.valueOf(reply)), 0, null);
    } catch (ReplyException e) {
      return new BusAnswer(null, e.failureCode(), e.getMessage());
    } catch (RuntimeException e) {
      return new BusAnswer(null, -1, e.toString());
    }
  }

  static void assertNoKeyOnBus(String where, BusAnswer answer, byte[] masterKey, byte[] accountKey) {
    String text = answer.text();
    assertFalse(text.contains("master_key"), where + ": " + text);
    assertKeyAbsent(where, text, masterKey);
    assertKeyAbsent(where + " (the account key)", text, accountKey);
  }

  /** A bus request that must fail, and neither the master key nor the account key in what it answered. */
  static void assertBusRefused(Vertx vertx, String where, String address, JsonObject body, RequestContext ctx,
      byte[] masterKey, byte[] accountKey) {
    BusAnswer answer = busAnswer(vertx, address, body, ctx);
    assertNoKeyOnBus(where, answer, masterKey, accountKey);
    assertTrue(answer.failed(), where + " answered: " + answer);
    assertTrue(answer.failureCode() >= 400, where + ": " + answer);
  }

  /**
   * The browser login as auth-service issues it (BrowserTokens: HS256; sub = account id, stamp, jti = a login
   * id, exp), signed by hand with the stolen secret: what an attacker holding jwt-secret can make.
   */
  static String forgeBrowserLogin(String secret, long account, String stamp) throws Exception {
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    long now = Instant.now().getEpochSecond();
    String header = url.encodeToString("{\"typ\":\"JWT\",\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
    String payload = url.encodeToString(new JsonObject().put("sub", Long.toString(account)).put("stamp", stamp)
        .put("jti", UUID.randomUUID().toString()).put("iat", now).put("exp", now + 3600).encode()
        .getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = url.encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
    return header + "." + payload + "." + signature;
  }

  /**
   * A session of the attacker's own in the database they hold: a copy of {@code model}'s row (same account
   * and device) under a new id and {@code token}'s hash, with the model's grant or without one.
   */
  static void mintSession(Connection c, String model, String token, boolean copyGrant) throws Exception {
    try (var s = c.createStatement()) {
      s.execute("drop table if exists pg_temp.minted");
      s.execute("create temp table minted (like auth.sessions)");
    }
    try (PreparedStatement s = c.prepareStatement("insert into minted select * from auth.sessions where token_hash = ?")) {
      s.setBytes(1, Tokens.sha256(model));
      s.execute();
    }
    try (PreparedStatement s = c.prepareStatement("update minted set id = ?::uuid, token_hash = ?, token_prefix = ?"
        + (copyGrant ? "" : ", key_grant = null"))) {
      s.setString(1, UUID.randomUUID().toString());
      s.setBytes(2, Tokens.sha256(token));
      s.setString(3, Tokens.prefix(token));
      assertEquals(1, s.executeUpdate(), "the model session is in the database");
    }
    try (var s = c.createStatement()) {
      s.execute("insert into auth.sessions select * from minted");
      s.execute("drop table minted");
    }
  }

  // ---- the theft: pg_dump of the whole database, psql into another ----

  static void pgDump(TestDatabase db, Path file) throws Exception {
    run(db, "pg_dump", "--no-owner", "--format=plain", "--file=" + file, "--dbname=" + urlWithoutPassword(db.url()));
    assertTrue(Files.size(file) > 0, "an empty dump");
  }

  static void psqlRestore(TestDatabase db, Path file) throws Exception {
    run(db, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--file=" + file, "--dbname=" + urlWithoutPassword(db.url()));
  }

  /** Runs a PostgreSQL client tool, the password (if any) in PGPASSWORD. */
  static void run(TestDatabase db, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    String password = PgConnectOptions.fromUri(db.url()).getPassword();
    if (password != null && !password.isEmpty()) {
      pb.environment().put("PGPASSWORD", password);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), command[0] + " did not finish");
    assertEquals(0, p.exitValue(), command[0] + ": " + out);
  }

  static String urlWithoutPassword(String url) {
    PgConnectOptions o = PgConnectOptions.fromUri(url);
    return "postgresql://" + o.getUser() + "@" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  static long accountId(Connection c, String email) throws Exception {
    try (PreparedStatement s = c.prepareStatement("select id from auth.accounts where email = ?")) {
      s.setString(1, email);
      try (ResultSet rs = s.executeQuery()) {
        assertTrue(rs.next(), "the account " + email);
        return rs.getLong(1);
      }
    }
  }

  static String string(Connection c, String sql, long id) throws Exception {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, id);
      try (ResultSet rs = s.executeQuery()) {
        assertTrue(rs.next(), sql);
        return rs.getString(1);
      }
    }
  }

  // ---- the KEK, applied as data-service's KeyWrapper does (AES-256-GCM, aad = account id) ----

  /** The KEK layer opened: AES-256-GCM under {@code kek}, this IV, AAD the account id in ASCII; null if it does not open. */
  static byte[] kekOpen(byte[] kek, byte[] iv, long account, byte[] ciphertext) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, iv));
      cipher.updateAAD(Long.toString(account).getBytes(StandardCharsets.US_ASCII));
      return cipher.doFinal(ciphertext);
    } catch (Exception e) {
      return null;
    }
  }

  /** Whatever the KEK opens of {@code value}: with the row's IV, or with an IV in front (iv || ct || tag). */
  static List<byte[]> kekAttempts(byte[] kek, byte[] iv, long account, byte[] value) {
    List<byte[]> opened = new ArrayList<>();
    if (iv != null && iv.length == 12) {
      byte[] a = kekOpen(kek, iv, account, value);
      if (a != null) {
        opened.add(a);
      }
    }
    if (value.length > 28) {
      byte[] b = kekOpen(kek, Arrays.copyOf(value, 12), account, Arrays.copyOfRange(value, 12, value.length));
      if (b != null) {
        opened.add(b);
      }
      try {
        opened.add(KeyCustody.open(kek, value, KeyCustody.aad("master-key", account)));
      } catch (KeyCustody.SealBroken expected) {
        // does not open
      }
    }
    return opened;
  }

  // ---- the key in every encoding ----

  /**
   * The key as it could appear in text or bytes: raw, hex (any case, with PostgreSQL's {@code \x} bytea form),
   * standard and URL-safe base64 with and without padding, and the base64 of the key at any alignment
   * inside a longer value (the 40 characters that depend on the key's bytes alone).
   */
  static Map<String, String> encodings(byte[] key) {
    Map<String, String> forms = new LinkedHashMap<>();
    String hex = HEX.formatHex(key);
    forms.put("raw bytes", new String(key, StandardCharsets.ISO_8859_1));
    forms.put("hex", hex);
    forms.put("upper-case hex", hex.toUpperCase());
    forms.put("bytea hex output", "\\x" + hex);
    forms.put("bytea hex output, escaped for COPY", "\\\\x" + hex);
    forms.put("base64", Base64.getEncoder().encodeToString(key));
    forms.put("base64 without padding", Base64.getEncoder().withoutPadding().encodeToString(key));
    forms.put("URL-safe base64", Base64.getUrlEncoder().encodeToString(key));
    forms.put("URL-safe base64 without padding", Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    for (int shift = 0; shift < 3; shift++) {
      byte[] padded = new byte[shift + key.length + 3];
      System.arraycopy(key, 0, padded, shift, key.length);
      int first = (shift + 2) / 3;
      int end = (shift + key.length) / 3;
      forms.put("base64 at offset " + shift, Base64.getEncoder().encodeToString(padded).substring(4 * first, 4 * end));
      forms.put("URL-safe base64 at offset " + shift, Base64.getUrlEncoder().encodeToString(padded).substring(4 * first, 4 * end));
    }
    return forms;
  }

  static void assertKeyAbsent(String where, byte[] haystack, byte[] key) {
    assertKeyAbsent(where, new String(haystack, StandardCharsets.ISO_8859_1), key);
  }

  static void assertKeyAbsent(String where, String haystack, byte[] key) {
    String lower = haystack.toLowerCase();
    for (Map.Entry<String, String> form : encodings(key).entrySet()) {
      if (haystack.contains(form.getValue())) {
        fail("the key is in " + where + " (" + form.getKey() + ")");
      }
    }
    if (lower.contains(HEX.formatHex(key))) {
      fail("the key is in " + where + " (hex, mixed case)");
    }
  }

  static void assertNoKeyInAnswer(String where, Response r, byte[] key) {
    String raw = r.raw.bodyAsString();
    assertFalse(raw.contains("master_key"), where + ": " + raw);
    assertKeyAbsent(where, raw, key);
  }

  static void assertKeyRefused(Response r, int status, byte[] key) {
    assertEquals(status, r.status, r.toString());
    assertNoKeyInAnswer("a refused key read", r, key);
  }

  static byte[] sha256(String s) {
    return Tokens.sha256(s);
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (Exception ignored) {
      // a temp directory left behind
    }
  }
}
