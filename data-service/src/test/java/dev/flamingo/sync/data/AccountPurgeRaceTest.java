package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static dev.flamingo.sync.data.DataFixture.seal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A write of an account that is being deleted: once the purge has begun no write of the account is taken (409
 * with the envelope, nothing stored), and a write already in flight either commits before the purge removes the
 * account's rows or is refused: no row of a deleted account is left behind. The interleavings are forced with a
 * lock on the account's change counter row that the test holds and lets go.
 */
class AccountPurgeRaceTest {
  static final String DELETING = "This account is being deleted";
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass();
  static final byte[] KEY = randomBytes(32);

  static JsonObject purge(long account) {
    return f.call(Addresses.DATA_ACCOUNT_PURGE, 0L, new JsonObject().put("account_id", account));
  }

  static long rows(long account) {
    long n = 0;
    for (String table : new String[] {"blobs", "master_keys", "sync_config", "account_quotas"}) {
      n += count("select count(*) from data." + table + " where account_id = ?", account);
    }
    return n;
  }

  static long count(String sql, Object... params) {
    try (Connection c = f.jdbc(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until {@code n} statements of data-service wait for a lock (the test's, or one queued behind it). */
  static void awaitWaiting(int n) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (count("select count(*) from pg_stat_activity where datname = current_database() "
        + "and wait_event_type = 'Lock' and application_name like 'flamingo-%'") < n) {
      if (System.currentTimeMillis() > deadline) {
        fail("fewer than " + n + " statements waited for the counter row");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static JsonObject blob(String type) {
    return seal(KEY, "[" + type + "]").body(type);
  }

  @Test
  void afterThePurgeBeganEveryWriteOfTheAccountIsRefusedAndStoresNothing() {
    long account = DataFixture.newAccount();
    f.call(Addresses.DATA_BLOB_PUT, account, blob("history"));
    f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", DataFixture.b64(KEY)));
    purge(account);
    for (Object[] write : new Object[][] {
        {Addresses.DATA_BLOB_PUT, blob("setting")},
        {Addresses.DATA_BLOB_PUT, blob("history").put("if_match", "\"1\"")},
        {Addresses.DATA_KEY_PUT, new JsonObject().put("master_key", DataFixture.b64(KEY))},
        {Addresses.DATA_CONFIG_PUT, new JsonObject().put("sync_secrets", false)}}) {
      ServiceException e = f.fail((String) write[0], account, (JsonObject) write[1]);
      assertEquals("409 " + DELETING, e.status() + " " + e.getMessage(), write[0] + " " + write[1]);
    }
    assertEquals(0L, rows(account));
    assertEquals(0, purge(account).getJsonObject("data").getInteger("rows"), "again: nothing left");
  }

  /** A PUT that took the counter first commits; the purge, queued behind it, then removes its row too. */
  @Test
  void aPutAheadOfThePurgeIsRemovedByIt() throws Exception {
    long account = DataFixture.newAccount();
    f.call(Addresses.DATA_BLOB_PUT, account, blob("history"));
    Future<Message<JsonObject>> put;
    Future<Message<JsonObject>> purged;
    try (Connection lock = f.jdbc()) {
      lock.setAutoCommit(false);
      try (PreparedStatement ps = lock.prepareStatement("select 1 from data.change_seq where account_id = ? for update")) {
        ps.setLong(1, account);
        ps.executeQuery().close();
      }
      put = f.send(Addresses.DATA_BLOB_PUT, account, blob("setting"));
      awaitWaiting(1);
      purged = f.send(Addresses.DATA_ACCOUNT_PURGE, null, new JsonObject().put("account_id", account));
      awaitWaiting(2);
      lock.commit();
    }
    Future.join(put, purged).transform(ar -> Future.succeededFuture()).await();
    assertTrue(purged.succeeded(), () -> "purge failed: " + purged.cause());
    if (put.failed()) {
      assertEquals(409, DataFixture.failure(put).status(), DataFixture.failure(put).getMessage());
    }
    assertEquals(0L, rows(account), "a row of the deleted account was left behind");
  }

  /** The purge took the counter first: a PUT queued behind it is refused once it commits, and stores nothing. */
  @Test
  void aPutBehindThePurgeIsRefused() throws Exception {
    long account = DataFixture.newAccount();
    f.call(Addresses.DATA_BLOB_PUT, account, blob("history"));
    Future<Message<JsonObject>> put;
    Future<Message<JsonObject>> purged;
    try (Connection lock = f.jdbc()) {
      lock.setAutoCommit(false);
      try (PreparedStatement ps = lock.prepareStatement("select 1 from data.change_seq where account_id = ? for update")) {
        ps.setLong(1, account);
        ps.executeQuery().close();
      }
      purged = f.send(Addresses.DATA_ACCOUNT_PURGE, null, new JsonObject().put("account_id", account));
      awaitWaiting(1);
      put = f.send(Addresses.DATA_BLOB_PUT, account, blob("setting"));
      awaitWaiting(2);
      lock.commit();
    }
    Future.join(put, purged).transform(ar -> Future.succeededFuture()).await();
    assertTrue(purged.succeeded(), () -> "purge failed: " + purged.cause());
    assertTrue(put.failed(), "the PUT behind the purge was taken");
    ServiceException e = DataFixture.failure(put);
    assertEquals("409 " + DELETING, e.status() + " " + e.getMessage());
    assertEquals(0L, rows(account), "a row of the deleted account was left behind");
  }
}
