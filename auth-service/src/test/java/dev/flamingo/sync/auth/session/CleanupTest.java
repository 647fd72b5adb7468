package dev.flamingo.sync.auth.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.auth.AuthVerticle;
import dev.flamingo.sync.auth.deviceflow.TempTokenStore;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

/** The periodic cleanup: stale temp tokens and long-dead sessions go, everything recent stays. */
class CleanupTest extends AuthServiceTestBase {
  private boolean tempExists(String token) {
    return count("select count(*) from auth.temp_tokens where token_hash = ?", Tokens.sha256(token)) == 1;
  }

  private boolean sessionExists(Paired p) {
    return count("select count(*) from auth.sessions where id = ?::uuid", p.sessionId()) == 1;
  }

  @Test
  void deletesOnlyLongExpiredTempTokensAndLongDeadSessions() {
    long account = register().getLong("account_id");

    String fresh = init("fresh");
    String justExpired = init("just expired");
    String longExpired = init("long expired");
    String longExpiredClaimed = init("long expired claimed");
    claim(account, longExpiredClaimed);
    sql("update auth.temp_tokens set expires_at = now() - interval '30 minutes' where token_hash = ?",
        Tokens.sha256(justExpired));
    sql("update auth.temp_tokens set created_at = now() - interval '3 hours', expires_at = now() - interval '2 hours' "
        + "where token_hash in (?, ?)", Tokens.sha256(longExpired), Tokens.sha256(longExpiredClaimed));

    Paired live = pair(account, "live");
    Paired expiredLongAgo = pair(account, "expired long ago");
    Paired expiredRecently = pair(account, "expired recently");
    Paired revokedLongAgo = pair(account, "revoked long ago");
    Paired revokedRecently = pair(account, "revoked recently");
    sql("update auth.sessions set expires_at = now() - interval '8 days' where id = ?::uuid", expiredLongAgo.sessionId());
    sql("update auth.sessions set expires_at = now() - interval '6 days' where id = ?::uuid", expiredRecently.sessionId());
    sql("update auth.sessions set revoked_at = now() - interval '8 days', revoke_reason = 'revoked' where id = ?::uuid",
        revokedLongAgo.sessionId());
    sql("update auth.sessions set revoked_at = now() - interval '1 day', revoke_reason = 'revoked' where id = ?::uuid",
        revokedRecently.sessionId());

    Pool pool = Database.pool(vertx, new Settings(config), "auth");
    try {
      assertEquals(2, new TempTokenStore(pool).deleteExpired().await());
      assertEquals(2, new SessionStore(pool).deleteOld(7).await());
      // idempotent
      assertEquals(0, new TempTokenStore(pool).deleteExpired().await());
      assertEquals(0, new SessionStore(pool).deleteOld(7).await());
    } finally {
      pool.close().await();
    }

    assertEquals(true, tempExists(fresh));
    assertEquals(true, tempExists(justExpired));
    assertEquals(false, tempExists(longExpired));
    assertEquals(false, tempExists(longExpiredClaimed));
    // the temp tokens the pairings used are fresh and stay
    assertEquals(4 + 5 - 2, count("select count(*) from auth.temp_tokens"));

    assertEquals(true, sessionExists(live));
    assertEquals(false, sessionExists(expiredLongAgo));
    assertEquals(true, sessionExists(expiredRecently));
    assertEquals(false, sessionExists(revokedLongAgo));
    assertEquals(true, sessionExists(revokedRecently));
    assertEquals(live.sessionId(), validate(live.token()).getString("session_id"));
    assertSessionRefused(expiredLongAgo.token());
  }

  @Test
  void scheduledCleanupRunsWithTheConfiguredInterval() throws Exception {
    // a second deployment on the same database with a 1 s cleanup interval
    String stale = init("stale");
    sql("update auth.temp_tokens set expires_at = now() - interval '2 hours' where token_hash = ?", Tokens.sha256(stale));
    String id = vertx.deployVerticle(new AuthVerticle(), new DeploymentOptions()
        .setConfig(config.copy().mergeIn(new JsonObject().put("FLAMINGO_CLEANUP_INTERVAL_SECONDS", "1")))).await();
    try {
      long deadline = System.currentTimeMillis() + 30_000;
      while (tempExists(stale) && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(false, tempExists(stale));
    } finally {
      vertx.undeploy(id).await();
    }
  }
}
