package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static dev.flamingo.sync.data.DataFixture.seal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one-statement blob PUT under concurrency (READ COMMITTED): its checks are made on one snapshot and it
 * only writes when no other change of the account committed since (else it decides again holding the
 * account's counter row). Two PUTs that each fit the quota but not together never both succeed; conditional
 * PUTs of one version let exactly one in; refused PUTs never move the counter; mixed writers (PUT, DELETE,
 * key rotation) of one account never deadlock and never share a version.
 */
class BlobPutRaceTest {
  static final int MAX_ACCOUNT = 1000;
  static final SqlStatementLog log = new SqlStatementLog();
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass(log::vertx,
      new JsonObject().put("FLAMINGO_MAX_ACCOUNT_BYTES", Integer.toString(MAX_ACCOUNT)));

  static void awaitAll(List<? extends Future<?>> futures) {
    Future.join(futures).transform(ar -> Future.succeededFuture()).await();
  }

  static long latest(long account) {
    return f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject()).getJsonObject("data").getLong("latest_version");
  }

  static DataFixture.Sealed ofSize(byte[] key, int size) {
    return seal(key, "x".repeat(size - 16));
  }

  /** How many PUTs raced and decided again holding the counter row (ChangeCounter.hold) since {@code mark}. */
  static long lockedRetries(int mark) {
    return log.since(mark).stream().filter(sql -> sql.contains("set last_version = change_seq.last_version returning")).count();
  }

  @Test
  void twoPutsThatFitAloneButNotTogetherNeverBothSucceed() {
    int mark = log.mark();
    byte[] key = randomBytes(32);
    for (int round = 0; round < 20; round++) {
      long account = DataFixture.newAccount();
      List<Future<Message<JsonObject>>> sent = List.of(
          f.send(Addresses.DATA_BLOB_PUT, account, ofSize(key, 600).body("history")),
          f.send(Addresses.DATA_BLOB_PUT, account, ofSize(key, 600).body("setting")));
      awaitAll(sent);
      List<Long> versions = new ArrayList<>();
      List<ServiceException> refused = new ArrayList<>();
      for (Future<Message<JsonObject>> s : sent) {
        if (s.succeeded()) {
          versions.add(s.result().body().getJsonObject("data").getLong("version"));
        } else {
          refused.add(DataFixture.failure(s));
        }
      }
      assertEquals(1, versions.size(), "round " + round + ": " + versions.size() + " of two over-quota PUTs succeeded");
      assertEquals(413, refused.get(0).status(), refused.get(0).getMessage());
      assertTrue(refused.get(0).getMessage().startsWith(
        "Storage quota exceeded: this account may store " + MAX_ACCOUNT + " bytes and would store "), refused.get(0).getMessage());
      assertEquals(versions.get(0), latest(account), "the refused PUT moved the counter");
      assertEquals(1, f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject()).getJsonObject("data").getInteger("count"));
    }
    assertTrue(lockedRetries(mark) > 0, "no PUT raced: the test did not exercise the locked retry");
  }

  @Test
  void fivePutsOfFourHundredBytesLetExactlyTwoIntoAThousandByteQuota() {
    byte[] key = randomBytes(32);
    for (int round = 0; round < 10; round++) {
      long account = DataFixture.newAccount();
      List<Future<Message<JsonObject>>> sent = new ArrayList<>();
      for (String type : DataFixture.TYPES) {
        sent.add(f.send(Addresses.DATA_BLOB_PUT, account, ofSize(key, 400).body(type)));
      }
      awaitAll(sent);
      long ok = sent.stream().filter(Future::succeeded).count();
      assertEquals(2, ok, "round " + round);
      sent.stream().filter(Future::failed).forEach(s -> assertEquals(413, DataFixture.failure(s).status()));
      JsonObject list = f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject()).getJsonObject("data");
      assertEquals(2, list.getInteger("count"));
      assertEquals(2, list.getLong("latest_version"), "refused PUTs moved the counter");
    }
  }

  @Test
  void twoConditionalPutsOfOneVersionLetExactlyOneIn() {
    byte[] key = randomBytes(32);
    for (int round = 0; round < 20; round++) {
      long account = DataFixture.newAccount();
      long base = f.call(Addresses.DATA_BLOB_PUT, account, seal(key, "[]").body("history")).getJsonObject("data")
          .getLong("version");
      List<Future<Message<JsonObject>>> sent = List.of(
          f.send(Addresses.DATA_BLOB_PUT, account, seal(key, "[1]").body("history").put("if_match", "\"" + base + "\"")),
          f.send(Addresses.DATA_BLOB_PUT, account, seal(key, "[2]").body("history").put("if_match", "\"" + base + "\"")));
      awaitAll(sent);
      List<Future<Message<JsonObject>>> won = sent.stream().filter(Future::succeeded).toList();
      assertEquals(1, won.size(), "round " + round);
      long winner = won.get(0).result().body().getJsonObject("data").getLong("version");
      ServiceException lost = DataFixture.failure(sent.stream().filter(Future::failed).findFirst().orElseThrow());
      assertEquals(412, lost.status());
      assertEquals(winner, lost.data().getLong("version"));
      assertEquals(winner, latest(account));
      assertEquals(base + 1, winner);
    }
  }

  @Test
  void mixedWritersOfOneAccountNeverDeadlockNorShareAVersion() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    f.call(Addresses.DATA_KEY_PUT, account, new JsonObject().put("master_key", Base64.getEncoder().encodeToString(key)));
    long base = f.call(Addresses.DATA_BLOB_PUT, account, ofSize(key, 50).body("history")).getJsonObject("data")
        .getLong("version");
    List<Future<Message<JsonObject>>> puts = new ArrayList<>();
    List<Future<Message<JsonObject>>> others = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String type = DataFixture.TYPES[i % DataFixture.TYPES.length];
      if (i % 7 == 3) {
        others.add(f.send(Addresses.DATA_BLOB_DELETE, account, new JsonObject().put("type", type)));
      } else if (i == 30) {
        others.add(f.send(Addresses.DATA_KEY_PUT, account,
            new JsonObject().put("master_key", Base64.getEncoder().encodeToString(randomBytes(32))).put("expected_version", 1)));
      } else if (i % 5 == 1) {
        puts.add(f.send(Addresses.DATA_BLOB_PUT, account, ofSize(key, 50).body(type).put("if_match", "\"" + base + "\"")));
      } else {
        puts.add(f.send(Addresses.DATA_BLOB_PUT, account, ofSize(key, 50 + i).body(type)));
      }
    }
    awaitAll(puts);
    awaitAll(others);
    Set<Long> versions = new HashSet<>();
    long max = 0;
    for (Future<Message<JsonObject>> p : puts) {
      if (p.succeeded()) {
        long v = p.result().body().getJsonObject("data").getLong("version");
        assertTrue(versions.add(v), "version " + v + " given twice");
        max = Math.max(max, v);
      } else {
        ServiceException e = DataFixture.failure(p);
        assertTrue(e.status() == 412 || e.status() == 413, e.status() + " " + e.getMessage());
      }
    }
    for (Future<Message<JsonObject>> o : others) {
      assertTrue(o.succeeded() || DataFixture.failure(o).status() == 404,
          () -> "a DELETE or the rotation failed: " + DataFixture.failure(o).status() + " " + o.cause());
    }
    assertTrue(versions.size() > 10, "too few PUTs succeeded: " + versions.size());
    JsonObject list = f.call(Addresses.DATA_BLOB_LIST, account, new JsonObject()).getJsonObject("data");
    assertTrue(list.getLong("latest_version") >= max);
    long total = 0;
    for (Object o : list.getJsonArray("items")) {
      JsonObject item = (JsonObject) o;
      assertTrue(versions.contains(item.getLong("version")), "an item with a version no PUT was given: " + item);
      total += item.getLong("blob_size_bytes");
    }
    assertTrue(total <= MAX_ACCOUNT);
  }
}
