package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static dev.flamingo.sync.data.DataFixture.seal;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.db.DbStatements;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11: every blob PUT (new item, overwrite, conditional, refused) and every read on the hot path is
 * one statement round trip to Postgres, as seen by the SQL client itself; the counter of common's counted pool
 * ({@code flamingo_db_statements_total{service="data"}}) agrees with it.
 */
class BlobStatementsTest {
  static final int MAX_ACCOUNT = 3000;
  static final SqlStatementLog log = new SqlStatementLog();
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass(log::vertx,
      new JsonObject().put("FLAMINGO_MAX_ACCOUNT_BYTES", Integer.toString(MAX_ACCOUNT)));

  /** The statements {@code call} sent, checked against data-service's own count. */
  static List<String> statementsOf(Runnable call) {
    int mark = log.mark();
    long counted = DbStatements.total("data");
    call.run();
    List<String> sent = log.since(mark);
    assertEquals(sent.size(), DbStatements.total("data") - counted, () -> "flamingo_db_statements_total disagrees: " + sent);
    return sent;
  }

  static void assertOneStatement(String what, Runnable call) {
    List<String> sent = statementsOf(call);
    assertEquals(1, sent.size(), () -> what + " sent " + sent.size() + " statements: " + sent);
  }

  static long version(JsonObject reply) {
    return reply.getJsonObject("data").getLong("version");
  }

  @Test
  void everyBlobPutIsOneStatement() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long[] v = new long[1];
    assertOneStatement("the first PUT of an account",
        () -> v[0] = version(f.call(Addresses.DATA_BLOB_PUT, account, seal(key, "[1]").body("history"))));
    assertOneStatement("an overwrite",
        () -> v[0] = version(f.call(Addresses.DATA_BLOB_PUT, account, seal(key, "[2]").body("history"))));
    assertOneStatement("a conditional overwrite", () -> v[0] = version(f.call(Addresses.DATA_BLOB_PUT, account,
        seal(key, "[3]").body("history").put("if_match", "\"" + v[0] + "\""))));
    assertOneStatement("a new type", () -> f.call(Addresses.DATA_BLOB_PUT, account, seal(key, "{}").body("setting")));
    assertOneStatement("a stale If-Match (412)", () -> assertEquals(412, f.fail(Addresses.DATA_BLOB_PUT, account,
        seal(key, "[4]").body("history").put("if_match", "\"" + (v[0] - 1) + "\"")).status()));
    assertOneStatement("an If-Match on a missing item (412)", () -> assertEquals(412, f.fail(Addresses.DATA_BLOB_PUT,
        account, seal(key, "[5]").body("secret").put("if_match", "\"1\"")).status()));
    assertOneStatement("a PUT over the account quota (413)", () -> assertEquals(413, f.fail(Addresses.DATA_BLOB_PUT,
        account, seal(key, "x".repeat(MAX_ACCOUNT)).body("collection")).status()));
  }

  @Test
  void aPutOfADisabledTypeIsOneStatement() {
    long account = DataFixture.newAccount();
    f.call(Addresses.DATA_CONFIG_PUT, account, new JsonObject().put("sync_secrets", false));
    assertOneStatement("a PUT of a disabled type (409)", () -> assertEquals(409,
        f.fail(Addresses.DATA_BLOB_PUT, account, seal(randomBytes(32), "[]").body("secret")).status()));
  }

  @Test
  void theReadsOfTheHotPathAreOneStatement() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long v = version(f.call(Addresses.DATA_BLOB_PUT, account, seal(key, "[1]").body("environment")));
    f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", Base64.getEncoder().encodeToString(key)));
    assertOneStatement("a blob GET", () -> f.call(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "environment")));
    assertOneStatement("a blob GET answered 304", () -> assertEquals(304, f.call(Addresses.DATA_BLOB_GET, account,
        new JsonObject().put("type", "environment").put("if_none_match", "\"" + v + "\"")).getInteger("status")));
    assertOneStatement("a blob GET of a missing item (404)", () -> assertEquals(404,
        f.fail(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "history")).status()));
    assertOneStatement("a config GET", () -> f.call(Addresses.DATA_CONFIG_GET, account, new JsonObject()));
    assertOneStatement("a key GET", () -> f.call(Addresses.DATA_KEY_GET, account, new JsonObject()));
    assertOneStatement("a list", () -> f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject()));
    // the account's quota and use: one statement
    assertOneStatement("the limits", () -> f.call(Addresses.DATA_LIMITS, account, new JsonObject()));
  }
}
