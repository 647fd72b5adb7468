package dev.flamingo.sync.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flamingo.sync.common.bus.Addresses;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An auth-service that never answers: the revocation is refused (503) and undone, the device stays listed. Its
 * own fixture with a short auth timeout, so the test does not wait long; nothing here depends on the machine's
 * speed (a silent auth-service never confirms, however slow or fast everything else is).
 */
class AuthTimeoutTest {
  @RegisterExtension
  static final Fixture f = new Fixture(1000);

  @Test
  void revokeIsUndoneWhenAuthNeverAnswers() {
    long account = Fixture.newAccount();
    String mine = f.createDevice(account, "Mine", Instant.now().minusSeconds(10));
    String other = f.createDevice(account, "Other", Instant.now());

    f.authMode = Fixture.AuthMode.SILENT;
    ReplyException e = assertThrows(ReplyException.class,
        () -> f.request(Addresses.DEVICE_REVOKE, new JsonObject().put("id", other), account, mine));
    assertEquals(503, e.failureCode(), e.getMessage());
    assertEquals(2, f.devices(account, mine).size(), "still listed: its sessions may be live");
    assertEquals(1, f.authRequests.size(), "auth-service was asked once: " + f.authRequests);
  }
}
