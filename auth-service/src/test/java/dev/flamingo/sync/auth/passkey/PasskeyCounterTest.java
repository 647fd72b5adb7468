package dev.flamingo.sync.auth.passkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.Test;

/**
 * The signature counter in the database (WebAuthn4J checks it too, before): a use is recorded only when the
 * counter grew, in the UPDATE itself, so that two answers at once with one value cannot both pass; an
 * authenticator that keeps no counter (0 every time) stays usable.
 */
class PasskeyCounterTest extends AuthServiceTestBase {
  @Test
  void aUseIsRecordedOnlyWhenTheCounterGrows() throws Exception {
    long account = register().getLong("account_id");
    insert(account, "counted", 5);
    insert(account, "uncounted", 0);
    Pool pool = Database.open(vertx, new Settings(config), "auth").await();
    try {
      PasskeyStore store = new PasskeyStore(pool);
      assertFalse(store.used("counted", 5).await(), "the same value again: a copy of the key");
      assertFalse(store.used("counted", 3).await(), "a value behind");
      assertTrue(store.used("counted", 6).await());
      assertFalse(store.used("counted", 6).await(), "taken once");
      assertEquals(6, store.find(account, "counted").await().get(0).getCounter());
      assertTrue(store.used("uncounted", 0).await(), "no counter at all");
      assertFalse(store.used("nobody's", 9).await());
    } finally {
      pool.close().await();
    }
  }

  private void insert(long account, String credential, long count) throws Exception {
    try (Connection c = jdbc(); PreparedStatement s = c.prepareStatement("insert into auth.passkeys "
        + "(account_id, credential_id, public_key, aaguid, sign_count, name) values (?, ?, 'pk', 'aaguid', ?, 'Key')")) {
      s.setLong(1, account);
      s.setString(2, credential);
      s.setLong(3, count);
      s.executeUpdate();
    }
  }
}
