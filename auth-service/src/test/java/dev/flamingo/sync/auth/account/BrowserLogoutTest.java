package dev.flamingo.sync.auth.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.auth.AuthVerticle;
import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A logout ends that one browser login on the server: its login id is refused until it would have expired. */
class BrowserLogoutTest extends AuthServiceTestBase {
  JsonObject validateBrowser(String token) {
    return data(Addresses.AUTH_BROWSER_VALIDATE, new JsonObject().put("browser_token", token), anon());
  }

  void assertBrowserRefused(String token) {
    assertFails(401, "Unauthorized", Addresses.AUTH_BROWSER_VALIDATE, new JsonObject().put("browser_token", token), anon());
  }

  JsonObject logout(String token) {
    return call(Addresses.AUTH_BROWSER_LOGOUT, new JsonObject().put("browser_token", token), anon());
  }

  @Test
  void logoutEndsThatLoginAndNoOther() {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> listener = vertx.eventBus().consumer(Addresses.EVENT_BROWSER_LOGGED_OUT, m -> events.add(m.body()));
    listener.completion().await();
    JsonObject account = register();
    long id = account.getLong("account_id");
    String first = account.getString("browser_token");
    String second = data(Addresses.AUTH_LOGIN, new JsonObject().put("email", account.getString("email"))
        .put("password", PASSWORD), anon()).getString("browser_token");
    assertNotEquals(first, second);
    assertEquals(id, validateBrowser(first).getLong("account_id"));

    JsonObject reply = logout(first);
    assertEquals("Signed out", reply.getString("message"));
    assertEquals(id, reply.getJsonObject("data").getLong("account_id"));
    assertBrowserRefused(first);
    assertEquals(id, validateBrowser(second).getLong("account_id"), "the other login of the account goes on");
    assertEquals(id, logout(first).getJsonObject("data").getLong("account_id"), "a second logout is harmless");
    assertBrowserRefused(first);

    long deadline = System.currentTimeMillis() + 30_000;
    while (events.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(id, events.get(0).getLong("account_id"));
    assertEquals(36, events.get(0).getString("login_id").length());
    listener.unregister().await();
  }

  @Test
  void logoutOfNoLoginIsHarmless() {
    assertNull(logout("not.a.jwt").getJsonObject("data").getValue("account_id"));
    assertNull(call(Addresses.AUTH_BROWSER_LOGOUT, new JsonObject(), anon()).getJsonObject("data").getValue("account_id"));
  }

  @Test
  void aTokenWithoutLoginIdIsRefused() {
    JsonObject account = register();
    JsonObject stamp = sqlRow("select security_stamp from auth.accounts where id = " + account.getLong("account_id"));
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(JWT_SECRET)));
    String noJti = jwt.generateToken(new JsonObject().put("sub", String.valueOf(account.getLong("account_id")))
        .put("stamp", stamp.getString("security_stamp")), new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(600));
    assertBrowserRefused(noJti); // it could never be logged out
  }

  @Test
  void endedLoginsAreForgottenAfterTheirExpiry() throws Exception {
    JsonObject account = register();
    long id = account.getLong("account_id");
    UUID expired = UUID.randomUUID();
    UUID live = UUID.randomUUID();
    sqlUpdate("insert into auth.ended_browser_logins (login_id, account_id, expires_at) values ('" + expired + "', " + id
        + ", now() - interval '1 minute'), ('" + live + "', " + id + ", now() + interval '1 hour')");
    String deployment = vertx.deployVerticle(new AuthVerticle(), new DeploymentOptions()
        .setConfig(config.copy().put("FLAMINGO_CLEANUP_INTERVAL_SECONDS", "1"))).await();
    try {
      long deadline = System.currentTimeMillis() + 30_000;
      while (ended(expired) && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(false, ended(expired), "expired anyway: forgotten");
      assertEquals(true, ended(live), "not yet expired: still refused");
    } finally {
      vertx.undeploy(deployment).await();
    }
  }

  boolean ended(UUID loginId) {
    return sqlRow("select count(*) as n from auth.ended_browser_logins where login_id = '" + loginId + "'").getLong("n") == 1;
  }

  JsonObject sqlRow(String query) {
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(query); ResultSet r = s.executeQuery()) {
      r.next();
      JsonObject row = new JsonObject();
      for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
        row.put(r.getMetaData().getColumnLabel(i), r.getObject(i));
      }
      return row;
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  void sqlUpdate(String statement) {
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(statement)) {
      s.executeUpdate();
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }
}
