package dev.flamingo.sync.auth.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Revocation wins against a racing rotation: one client rotates its device's token in a loop while another
 * revokes the device. Without the per-account lock, a rotation whose transaction is open when the revoke's
 * UPDATE starts inserts a live session the revoke never sees (it happened in most rounds).
 */
class RevokeRaceTest extends AuthServiceTestBase {
  private static final int ROUNDS = 200;
  /** Rotations the loop may still make after the revoke answered: none should succeed. */
  private static final int AFTER_REVOKE = 3;

  @Test
  void revokeDuringRotationLeavesNoLiveSessionOfTheDevice() {
    long account = register().getLong("account_id");
    Random random = new Random(42);
    List<String> leaks = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      Paired device = pair(account, "racer-" + round);
      List<String> tokens = new CopyOnWriteArrayList<>(List.of(device.token()));
      int revokeAt = 1 + random.nextInt(3);
      rotateLoop(account, device, tokens, revokeAt).await();
      long live = count("select count(*) from auth.sessions where device_id = ?::uuid and revoked_at is null",
          device.deviceId());
      for (String token : tokens) {
        JsonObject body = new JsonObject().put("session_token", token);
        int status;
        try {
          send(Addresses.AUTH_SESSION_VALIDATE, body, anon()).await();
          status = 200;
        } catch (RuntimeException e) {
          status = Failures.fromThrowable(e).status();
        }
        if (status != 401) {
          leaks.add("round " + round + ": a token of the revoked device answers " + status);
        }
      }
      if (live != 0) {
        leaks.add("round " + round + ": " + live + " live session(s) of the revoked device");
      }
    }
    assertEquals(0, leaks.size(), leaks.size() + " leaks in " + ROUNDS + " rounds, e.g. "
        + leaks.subList(0, Math.min(4, leaks.size())));
    assertTrue(count("select count(*) from auth.sessions where account_id = ? and revoked_at is null", account) == 0);
  }

  /**
   * Rotates, validates the new token, rotates again…; as the {@code revokeAt}-th rotation is sent, a second
   * client revokes the device. The loop ends on the first refused rotation, or {@link #AFTER_REVOKE}
   * rotations after the revoke answered. Every token issued is added to {@code tokens}.
   */
  private Future<Void> rotateLoop(long account, Paired device, List<String> tokens, int revokeAt) {
    Promise<Void> done = Promise.promise();
    AtomicBoolean revoked = new AtomicBoolean();
    int[] afterRevoke = {0};
    int[] n = {0};
    Runnable[] step = new Runnable[1];
    RequestContext[] ctx = {asSession(device.session())};
    step[0] = () -> {
      n[0]++;
      if (revoked.get() && afterRevoke[0]++ >= AFTER_REVOKE) {
        done.tryComplete();
        return;
      }
      Future<JsonObject> rotation = send(Addresses.AUTH_SESSION_ROTATE, new JsonObject(), ctx[0])
          .map(m -> m.body().getJsonObject("data"));
      if (n[0] == revokeAt) {
        JsonObject body = new JsonObject().put("account_id", account)
            .put("device_ids", new JsonArray().add(device.deviceId())).put("reason", "device_revoked");
        send(Addresses.AUTH_SESSION_REVOKE_DEVICES, body, as(account))
            .onSuccess(m -> revoked.set(true))
            .onFailure(done::tryFail);
      }
      rotation.compose(data -> {
        String token = data.getString("session_token");
        tokens.add(token);
        return send(Addresses.AUTH_SESSION_VALIDATE, new JsonObject().put("session_token", token), anon());
      }).onComplete(ar -> {
        if (ar.failed()) {
          if (Failures.fromThrowable(ar.cause()).status() != 401) {
            done.tryFail(ar.cause());
            return;
          }
          // refused: the device is revoked, or the revoke is still on its way; wait for it to answer
          waitFor(revoked).onComplete(v -> done.tryComplete());
          return;
        }
        ctx[0] = asSession(ar.result().body().getJsonObject("data"));
        step[0].run();
      });
    };
    vertx.runOnContext(v -> step[0].run());
    return done.future();
  }

  private Future<Void> waitFor(AtomicBoolean flag) {
    Promise<Void> p = Promise.promise();
    long[] timer = new long[1];
    timer[0] = vertx.setPeriodic(5, id -> {
      if (flag.get()) {
        vertx.cancelTimer(timer[0]);
        p.tryComplete();
      }
    });
    return p.future();
  }

}
