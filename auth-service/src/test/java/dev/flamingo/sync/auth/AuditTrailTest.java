package dev.flamingo.sync.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Every auth action leaves an audit event in the common shape, and no event carries a secret. */
class AuditTrailTest extends AuthServiceTestBase {

  private JsonObject audited(String type, Long account) {
    JsonObject e = awaitEvent(Addresses.EVENT_AUDIT,
        ev -> type.equals(ev.getString("event_type")) && Objects.equals(account, ev.getLong("account_id")));
    assertEquals("127.0.0.1", e.getString("ip"));
    assertEquals("ua", e.getString("user_agent"));
    assertNotNull(e.getJsonObject("metadata"));
    Instant.parse(e.getString("created_at"));
    return e;
  }

  @Test
  void everyActionIsAuditedWithoutSecrets() {
    JsonObject account = register();
    long id = account.getLong("account_id");
    String email = account.getString("email");
    List<String> secrets = new ArrayList<>(List.of(PASSWORD, account.getString("browser_token")));

    secrets.add(data(Addresses.AUTH_LOGIN, new JsonObject().put("email", email).put("password", PASSWORD), anon())
        .getString("browser_token"));
    String wrong = "wrong password " + id;
    secrets.add(wrong);
    assertFails(401, "Invalid email or password", Addresses.AUTH_LOGIN,
        new JsonObject().put("email", email).put("password", wrong), anon());
    assertFails(401, "Invalid email or password", Addresses.AUTH_LOGIN,
        new JsonObject().put("email", "nobody-" + email).put("password", wrong), anon());

    String temp = init("audited " + id);
    secrets.add(temp);
    claim(id, temp);
    String session = data(Addresses.AUTH_SYNC_TOKEN, new JsonObject().put("temp_token", temp), anon())
        .getString("session_token");
    secrets.add(session);
    Paired paired = new Paired(session, validate(session));
    String rotated = data(Addresses.AUTH_SESSION_ROTATE, new JsonObject(), asSession(paired.session()))
        .getString("session_token");
    secrets.add(rotated);
    call(Addresses.AUTH_SESSION_REVOKE, new JsonObject(), asSession(validate(rotated)));
    secrets.add((String) scalar("select password_hash from auth.accounts where id = ?", id));

    audited("account.registered", id);
    audited("auth.login", id);
    audited("auth.login.failed", id);
    audited("auth.login.failed", null);
    JsonObject init = awaitEvent(Addresses.EVENT_AUDIT, e -> "sync.init".equals(e.getString("event_type"))
        && ("audited " + id).equals(e.getJsonObject("metadata").getString("device_name")));
    assertNull(init.getValue("account_id"));
    audited("sync.claim", id);
    JsonObject token = audited("sync.token", id);
    assertEquals(paired.deviceId(), token.getString("device_id"));
    assertEquals(paired.deviceId(), audited("session.rotated", id).getString("device_id"));
    assertEquals(paired.deviceId(), audited("session.revoked", id).getString("device_id"));

    for (JsonObject event : events(Addresses.EVENT_AUDIT)) {
      String encoded = event.encode();
      for (String secret : secrets) {
        assertFalse(encoded.contains(secret), "an audit event carries a secret: " + event.getString("event_type"));
      }
    }
  }
}
