package dev.flamingo.sync.auth.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Every Argon2id run of auth-service goes through its {@link HashingGate}: with the gate's only place held (and
 * no queue), sign-in, sign-up, a claim, a password change and an account deletion are 503 with a retry delay,
 * and all of them work again once the place is free.
 */
class HashingBusyTest extends AuthServiceTestBase {
  @Override
  protected JsonObject extraConfig() {
    return new JsonObject().put(Settings.HASHING_CONCURRENCY, 1).put(Settings.HASHING_QUEUE, 0);
  }

  static void assertBusy(ServiceException e) {
    assertEquals(503 + " " + HashingGate.BUSY, e.status() + " " + e.getMessage());
    assertTrue(e.retryAfterSeconds() > 0, "a retry delay for Retry-After");
  }

  @Test
  void passwordWorkIs503WithARetryDelayWhileTheGateIsFullAndWorksOnceFreed() {
    JsonObject account = register();
    long id = account.getLong("account_id");
    String email = account.getString("email");
    String temp = init("Busy laptop");
    JsonObject login = new JsonObject().put("email", email).put("password", PASSWORD);

    CountDownLatch hold = new CountDownLatch(1);
    Future<Void> held = HashingGate.of(vertx).run(() -> {
      hold.await();
      return null;
    });
    try {
      assertBusy(failure(Addresses.AUTH_LOGIN, login, anon()));
      assertBusy(failure(Addresses.AUTH_LOGIN, login.copy().put("email", "nobody@example.com"), anon()));
      assertBusy(failure(Addresses.AUTH_REGISTER,
          new JsonObject().put("email", uniqueEmail()).put("password", PASSWORD), anon()));
      assertBusy(failure(Addresses.AUTH_SYNC_CLAIM,
          new JsonObject().put("temp_token", temp).put("password", PASSWORD), as(id)));
      assertBusy(failure(Addresses.AUTH_PASSWORD_CHANGE, new JsonObject().put("current_password", PASSWORD)
          .put("new_password", "Tr0ub4dor&3-wide-orbit"), as(id)));
      assertBusy(failure(Addresses.AUTH_ACCOUNT_DELETE_BEGIN, new JsonObject().put("password", PASSWORD), as(id)));
    } finally {
      hold.countDown();
    }
    held.await();

    assertEquals(email, data(Addresses.AUTH_LOGIN, login, anon()).getString("email"));
    claim(id, temp);
    assertEquals(0L, count("select count(*) from auth.accounts where deleting_at is not null"));
  }
}
