package dev.flamingo.sync.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.gateway.GatewayVerticle;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A validation that is in flight when its session (or account stamp) is revoked must not be cached, nor
 * served: a gateway on one clustered node, a stand-in auth-service on another whose first answer is held
 * back until the revocation event has reached the gateway's node (a listener of the test's own there sees
 * it: the gateway's listener was handed the same message first, so its event loop evicts before the
 * late "valid" answer can arrive).
 */
class RevocationRaceTest {
  static final String TOKEN = "flm_sync_" + "ab".repeat(64);
  static TestCluster cluster = new TestCluster(2);
  static Vertx gatewayNode;
  static Vertx authNode;
  static ApiClient api;

  @BeforeAll
  static void start() {
    gatewayNode = cluster.startNode(0, new JsonObject());
    authNode = cluster.startNode(1, new JsonObject());
    GatewayVerticle gateway = new GatewayVerticle();
    JsonObject config = new JsonObject().put(Settings.HTTP_PORT, 0).put(Settings.BUS_TIMEOUT_MS, 2000);
    gatewayNode.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    api = new ApiClient(gatewayNode, gateway.actualPort());
  }

  @AfterAll
  static void stop() {
    api.close();
    cluster.close();
  }

  /** Holds back the first validation until told; answers 401 once revoked. */
  static final class SlowAuth {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicBoolean revoked = new AtomicBoolean();
    final LinkedBlockingQueue<Message<JsonObject>> held = new LinkedBlockingQueue<>();

    SlowAuth(String address) {
      authNode.eventBus().<JsonObject>consumer(address, m -> {
        calls.incrementAndGet();
        if (revoked.get()) {
          m.fail(401, "Unauthorized");
        } else {
          held.add(m);
        }
      }).completion().await();
    }

    Message<JsonObject> awaitHeld() throws InterruptedException {
      Message<JsonObject> m = held.poll(20, TimeUnit.SECONDS);
      if (m == null) {
        throw new AssertionError("the gateway never asked to validate");
      }
      return m;
    }
  }

  static void publishAndAwaitOnGatewayNode(String address, JsonObject event) throws Exception {
    CompletableFuture<Void> seen = new CompletableFuture<>();
    var listener = gatewayNode.eventBus().consumer(address, m -> seen.complete(null));
    listener.completion().await();
    authNode.eventBus().publish(address, event);
    seen.get(20, TimeUnit.SECONDS);
    listener.unregister().await();
  }

  @Test
  void bearerValidatedWhileItsSessionIsRevokedIsNotServedNorCached() throws Exception {
    SlowAuth auth = new SlowAuth(Addresses.AUTH_SESSION_VALIDATE);
    CompletableFuture<ApiClient.Response> first = CompletableFuture.supplyAsync(() -> api.get("/api/sync/key", TOKEN));
    Message<JsonObject> pending = auth.awaitHeld();

    auth.revoked.set(true);
    publishAndAwaitOnGatewayNode(Addresses.EVENT_SESSION_REVOKED, new JsonObject()
        .put("account_id", 7).put("session_ids", new JsonArray().add("s-7")));
    pending.reply(Reply.data(new JsonObject().put("session_id", "s-7").put("account_id", 7)
        .put("device_id", "d-7").put("expires_at", Instant.now().plusSeconds(3600).toString())));

    assertEquals(401, first.get(30, TimeUnit.SECONDS).status, "the stale 'valid' answer was used");
    assertEquals(401, api.get("/api/sync/key", TOKEN).status, "the revoked session was served from the cache");
    assertEquals(3, auth.calls.get(), "held answer, its re-validation, and the next request's validation");
  }

  @Test
  void browserCookieValidatedWhileTheAccountStampChangesIsNotServedNorCached() throws Exception {
    SlowAuth auth = new SlowAuth(Addresses.AUTH_BROWSER_VALIDATE);
    Map<String, String> cookie = Map.of("Cookie", Authenticator.COOKIE + "=browser-jwt-of-account-8");
    CompletableFuture<ApiClient.Response> first = CompletableFuture.supplyAsync(
        () -> api.send(HttpMethod.GET, "/api/auth/me", null, null, cookie));
    Message<JsonObject> pending = auth.awaitHeld();

    auth.revoked.set(true);
    publishAndAwaitOnGatewayNode(Addresses.EVENT_ACCOUNT_STAMP_CHANGED, new JsonObject().put("account_id", 8));
    pending.reply(Reply.data(new JsonObject().put("account_id", 8)));

    assertEquals(401, first.get(30, TimeUnit.SECONDS).status, "the stale 'valid' answer was used");
    assertEquals(401, api.send(HttpMethod.GET, "/api/auth/me", null, null, cookie).status,
        "the old-stamp cookie was served from the cache");
    assertEquals(3, auth.calls.get(), "held answer, its re-validation, and the next request's validation");
  }
}
