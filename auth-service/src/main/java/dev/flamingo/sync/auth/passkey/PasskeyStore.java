package dev.flamingo.sync.auth.passkey;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.webauthn4j.Authenticator;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** SQL for passkeys (one row per credential) and the challenges of ceremonies in progress. */
final class PasskeyStore {
  private final Pool pool;

  PasskeyStore(Pool pool) {
    this.pool = pool;
  }

  /** The account's credentials, or only the one with {@code credentialId} when it is not null. */
  Future<List<Authenticator>> find(long accountId, String credentialId) {
    return pool.preparedQuery("select * from passkeys where account_id = $1 and ($2::text is null or credential_id = $2)")
        .execute(Tuple.of(accountId, credentialId)).map(rows -> {
          List<Authenticator> found = new ArrayList<>();
          rows.forEach(r -> found.add(new Authenticator().setUsername(String.valueOf(accountId)).setType("public-key")
              .setCredID(r.getString("credential_id")).setPublicKey(r.getString("public_key"))
              .setAaguid(r.getString("aaguid")).setCounter(r.getLong("sign_count"))));
          return found;
        });
  }

  Future<Boolean> any(long accountId) {
    return pool.preparedQuery("select exists (select 1 from passkeys where account_id = $1)").execute(Tuple.of(accountId))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  /** The new row, or null when that credential is registered already. */
  Future<JsonObject> insert(SqlClient client, long accountId, String name, Authenticator a) {
    return client.preparedQuery("insert into passkeys (account_id, credential_id, public_key, aaguid, sign_count, name) "
            + "values ($1, $2, $3, $4, $5, $6) on conflict (credential_id) do nothing returning *")
        .execute(Tuple.of(accountId, a.getCredID(), a.getPublicKey(), a.getAaguid(), a.getCounter(), name))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  /**
   * Records a use: the counter must grow (or stay 0 for an authenticator that keeps none), checked in the same
   * statement so that two uses at once cannot both pass with one value. Whether it was recorded.
   */
  Future<Boolean> used(String credentialId, long count) {
    return pool.preparedQuery("update passkeys set sign_count = $2, last_used_at = now() where credential_id = $1 "
            + "and (sign_count < $2 or (sign_count = 0 and $2 = 0))")
        .execute(Tuple.of(credentialId, count)).map(rows -> rows.rowCount() == 1);
  }

  Future<JsonArray> list(long accountId) {
    return pool.preparedQuery("select * from passkeys where account_id = $1 order by created_at, id")
        .execute(Tuple.of(accountId)).map(rows -> {
          JsonArray all = new JsonArray();
          rows.forEach(r -> all.add(json(r)));
          return all;
        });
  }

  /** The removed passkey's name, or null when the account has no passkey {@code id}. */
  Future<String> delete(SqlClient client, long accountId, long id) {
    return client.preparedQuery("delete from passkeys where account_id = $1 and id = $2 returning name")
        .execute(Tuple.of(accountId, id)).map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** Keeps a challenge's hash for {@code seconds}; the account's expired ones go. */
  Future<Void> challenge(long accountId, String purpose, byte[] hash, long seconds) {
    return pool.withTransaction(tx -> tx.preparedQuery("delete from passkey_challenges where account_id = $1 "
            + "and expires_at < now()").execute(Tuple.of(accountId))
        .compose(v -> tx.preparedQuery("insert into passkey_challenges (challenge_hash, account_id, purpose, expires_at) "
            + "values ($1, $2, $3, now() + make_interval(secs => $4))")
            .execute(Tuple.of(Buffer.buffer(hash), accountId, purpose, seconds)))).mapEmpty();
  }

  /** Takes (single use) a live challenge of {@code purpose}: its account, or null when there is none. */
  Future<Long> take(String purpose, byte[] hash) {
    return pool.preparedQuery("delete from passkey_challenges where challenge_hash = $1 and purpose = $2 "
            + "returning account_id, expires_at > now() as live")
        .execute(Tuple.of(Buffer.buffer(hash), purpose))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return r.getBoolean("live") ? r.getLong("account_id") : null;
        });
  }

  private static JsonObject json(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("name", r.getString("name"))
        .put("created_at", iso(r.getOffsetDateTime("created_at"))).put("last_used_at", iso(r.getOffsetDateTime("last_used_at")));
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
