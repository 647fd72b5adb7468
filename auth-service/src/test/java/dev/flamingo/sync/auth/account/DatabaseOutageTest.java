package dev.flamingo.sync.auth.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.pgclient.PgConnectOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL away or failing during a sign-up or a claim: the client gets a 503 (try again), never a 500, and no
 * half-made account is left (the account, its key, the invite taken and the audit event commit together or not at
 * all). auth-service reaches its database through a TCP relay the test can cut, as a stopped PostgreSQL would.
 */
class DatabaseOutageTest extends AuthServiceTestBase {
  static final String STRONG = "correct horse battery staple 42";

  private Vertx relayVertx;
  private NetServer relay;
  private int relayPort;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private PgConnectOptions target;

  @Override
  protected JsonObject extraConfig() {
    target = PgConnectOptions.fromUri(db.url());
    relayVertx = Vertx.vertx();
    startRelay(0);
    PgConnectOptions via = new PgConnectOptions(target).setHost("127.0.0.1").setPort(relayPort);
    String password = via.getPassword() == null || via.getPassword().isEmpty() ? "" : ":" + via.getPassword();
    return new JsonObject().put("FLAMINGO_DB_URL",
        "postgresql://" + via.getUser() + password + "@127.0.0.1:" + relayPort + "/" + via.getDatabase());
  }

  private void startRelay(int port) {
    relay = relayVertx.createNetServer().connectHandler(client -> {
      client.pause();
      open.add(client);
      relayVertx.createNetClient().connect(target.getPort(), target.getHost()).onComplete(ar -> {
        if (ar.failed()) {
          client.close();
          return;
        }
        NetSocket server = ar.result();
        open.add(server);
        client.handler(server::write).closeHandler(v -> server.close());
        server.handler(client::write).closeHandler(v -> client.close());
        client.resume();
      });
    });
    relayPort = relay.listen(port, "127.0.0.1").await().actualPort();
  }

  /** As PostgreSQL stopping: every connection drops and no new one is taken. */
  private void cutDatabase() {
    relay.close().await();
    for (NetSocket socket : open) {
      socket.close();
    }
    open.clear();
  }

  @AfterAll
  void stopRelay() {
    if (relayVertx != null) {
      relayVertx.close().await();
    }
  }

  private JsonObject signUp(String email) {
    return new JsonObject().put("email", email).put("password", STRONG);
  }

  private void assertUnavailable(ServiceException e) {
    assertEquals("503 " + Failures.NO_SERVICE, e.status() + " " + e.getMessage());
  }

  private long rows(String email) {
    return count("select count(*) from auth.accounts where email = ?", email)
        + count("select count(*) from auth.account_keys k join auth.accounts a on a.id = k.account_id where a.email = ?", email);
  }

  /** A statement inside the sign-up's transaction fails: a trigger raises {@code sqlstate} when the audit event is written. */
  private void failAuditInserts(String body) {
    sql("create or replace function auth.fail_audit() returns trigger language plpgsql as $$ begin " + body + "; return new; end $$");
    sql("create trigger fail_audit before insert on auth.outbox for each row execute function auth.fail_audit()");
  }

  private void healAuditInserts() {
    sql("drop trigger fail_audit on auth.outbox");
  }

  @Test
  void diskFullOrADeadlockInTheSignUpIs503AndLeavesNoAccountOrKey() {
    for (String state : new String[] {"53100", "40P01"}) {
      String email = "full-" + state.toLowerCase() + "@example.com";
      failAuditInserts("raise exception 'simulated' using errcode = '" + state + "'");
      try {
        assertUnavailable(failure(Addresses.AUTH_REGISTER, signUp(email), anon()));
      } finally {
        healAuditInserts();
      }
      assertEquals(0L, rows(email), state + ": the account and its key roll back with the audit event");
      assertEquals(email, data(Addresses.AUTH_REGISTER, signUp(email), anon()).getString("email"));
      assertEquals(2L, rows(email));
    }
  }

  @Test
  void theConnectionDroppedMidSignUpIs503AndLeavesNoAccountOrKey() {
    String email = "terminated@example.com";
    // the backend ends itself after the account and key rows were inserted, before the commit
    failAuditInserts("perform pg_terminate_backend(pg_backend_pid())");
    try {
      assertUnavailable(failure(Addresses.AUTH_REGISTER, signUp(email), anon()));
    } finally {
      healAuditInserts();
    }
    assertEquals(0L, rows(email));
    assertEquals(0L, count("select count(*) from auth.outbox where payload::text like '%account.registered%' "
        + "and payload::text like '%terminated%'"));
    assertEquals(email, data(Addresses.AUTH_REGISTER, signUp(email), anon()).getString("email"));
  }

  @Test
  void aDeadlockInTheClaimIs503AndTheRequestStaysUnclaimed() {
    long account = data(Addresses.AUTH_REGISTER, signUp("claimer@example.com"), anon()).getLong("account_id");
    String temp = init("Work laptop");
    JsonObject claim = new JsonObject().put("temp_token", temp).put("password", STRONG);
    failAuditInserts("raise exception 'simulated' using errcode = '40P01'");
    try {
      assertUnavailable(failure(Addresses.AUTH_SYNC_CLAIM, claim, as(account)));
    } finally {
      healAuditInserts();
    }
    assertEquals(0L, count("select count(*) from auth.temp_tokens where claimed_by = ?", account));
    assertEquals("Token claimed successfully", call(Addresses.AUTH_SYNC_CLAIM, claim, as(account)).getString("message"));
  }

  @Test
  void aStoppedDatabaseMakesSignUpAndClaim503AndTheyWorkOnceItIsBack() {
    long account = data(Addresses.AUTH_REGISTER, signUp("before-outage@example.com"), anon()).getLong("account_id");
    String temp = init("Home laptop");
    JsonObject claim = new JsonObject().put("temp_token", temp).put("password", STRONG);
    int port = relayPort;
    cutDatabase();
    try {
      assertUnavailable(failure(Addresses.AUTH_REGISTER, signUp("during-outage@example.com"), anon()));
      assertUnavailable(failure(Addresses.AUTH_SYNC_CLAIM, claim, as(account)));
    } finally {
      startRelay(port);
    }
    assertEquals(0L, rows("during-outage@example.com"));
    assertEquals(0L, count("select count(*) from auth.temp_tokens where claimed_by = ?", account));
    // the pool connects again: both go through once PostgreSQL is back
    JsonObject again = null;
    long deadline = System.currentTimeMillis() + 30_000;
    while (again == null && System.currentTimeMillis() < deadline) {
      try {
        again = send(Addresses.AUTH_REGISTER, signUp("during-outage@example.com"), anon()).await().body();
      } catch (RuntimeException e) {
        assertUnavailable(Failures.fromThrowable(e));
      }
    }
    assertEquals("during-outage@example.com", again.getJsonObject("data").getString("email"));
    assertEquals("Token claimed successfully", call(Addresses.AUTH_SYNC_CLAIM, claim, as(account)).getString("message"));
  }
}
