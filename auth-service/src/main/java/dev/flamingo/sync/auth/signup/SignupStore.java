package dev.flamingo.sync.auth.signup;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/** The SQL of sign-ups: the run-time mode (server_settings) and invite links (only their tokens' hashes). */
public final class SignupStore {
  static final String MODE = "signup_mode";

  private final Pool pool;

  public SignupStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** The mode an admin set, or null (the configured default applies). */
  public Future<String> mode() {
    return pool.preparedQuery("select value from server_settings where name = $1").execute(Tuple.of(MODE))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  public Future<Void> setMode(SqlClient tx, String mode, long admin) {
    return tx.preparedQuery("insert into server_settings (name, value, updated_by) values ($1, $2, $3) "
            + "on conflict (name) do update set value = excluded.value, updated_by = excluded.updated_by, "
            + "updated_at = now()")
        .execute(Tuple.of(MODE, mode, admin)).mapEmpty();
  }

  public Future<Void> insertInvite(SqlClient tx, UUID id, byte[] hash, String note, long admin, OffsetDateTime expires) {
    return tx.preparedQuery("insert into invites (id, token_hash, note, created_by, expires_at) values ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(id, Buffer.buffer(hash), note, admin, expires)).mapEmpty();
  }

  /**
   * Takes an open invite for {@code account} (one sign-up each): true when it was open. Run in the sign-up's
   * transaction, so a refused sign-up leaves the invite open, and two sign-ups cannot both take it.
   */
  public Future<Boolean> use(SqlClient tx, byte[] hash, long account) {
    return tx.preparedQuery("update invites set used_at = now(), used_by = $2 where token_hash = $1 "
            + "and used_at is null and revoked_at is null and expires_at > now()")
        .execute(Tuple.of(Buffer.buffer(hash), account)).map(rows -> rows.rowCount() == 1);
  }

  /** Whether the invite could be used now (for a clear refusal before any work). */
  public Future<Boolean> isOpen(byte[] hash) {
    return pool.preparedQuery("select 1 from invites where token_hash = $1 and used_at is null and revoked_at is null "
            + "and expires_at > now()").execute(Tuple.of(Buffer.buffer(hash))).map(rows -> rows.size() == 1);
  }

  /** Revokes an open invite; false when it is unknown, used, revoked or expired. */
  public Future<Boolean> revoke(SqlClient tx, UUID id) {
    return tx.preparedQuery("update invites set revoked_at = now() where id = $1 and used_at is null "
            + "and revoked_at is null and expires_at > now()").execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
  }

  /** The newest invites first (at most 200). */
  public Future<JsonArray> list() {
    return pool.query("select id, note, created_at, expires_at, used_at, revoked_at, expires_at <= now() as expired "
            + "from invites order by created_at desc limit 200").execute()
        .map(rows -> {
          JsonArray list = new JsonArray();
          for (Row r : rows) {
            String status = r.getOffsetDateTime("used_at") != null ? "used"
                : r.getOffsetDateTime("revoked_at") != null ? "revoked" : r.getBoolean("expired") ? "expired" : "open";
            list.add(new JsonObject().put("id", r.getUUID("id").toString()).put("note", r.getString("note"))
                .put("created_at", iso(r.getOffsetDateTime("created_at")))
                .put("expires_at", iso(r.getOffsetDateTime("expires_at")))
                .put("used_at", iso(r.getOffsetDateTime("used_at")))
                .put("revoked_at", iso(r.getOffsetDateTime("revoked_at")))
                .put("status", status));
          }
          return list;
        });
  }

  static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
