package dev.flamingo.sync.data.config;

import dev.flamingo.sync.data.support.DbStatements;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.List;

/** SQL for the per-account sync config; an account without a row has the defaults (all true). */
public final class ConfigStore {
  public static final List<String> KEYS =
      List.of("sync_history", "sync_environments", "sync_secrets", "sync_collections", "sync_settings");

  private final Pool pool;

  public ConfigStore(Pool pool) {
    this.pool = pool;
  }

  /** The config as the contract shows it; updated_at is null when never changed. */
  public Future<JsonObject> get(SqlClient client, long account) {
    DbStatements.one();
    return client.preparedQuery("select * from sync_config where account_id = $1").execute(Tuple.of(account))
        .map(rows -> rows.size() == 0 ? defaults() : json(rows.iterator().next()));
  }

  public Pool pool() {
    return pool;
  }

  public Future<JsonObject> get(long account) {
    return get(pool, account);
  }

  /** Applies the given booleans (null = unchanged); the whole row after the change. */
  public Future<JsonObject> update(SqlClient client, long account, Boolean[] values) {
    DbStatements.one();
    return client.preparedQuery("insert into sync_config (account_id, sync_history, sync_environments, sync_secrets, "
            + "sync_collections, sync_settings) values ($1, coalesce($2, true), coalesce($3, true), coalesce($4, true), "
            + "coalesce($5, true), coalesce($6, true)) on conflict (account_id) do update set "
            + "sync_history = coalesce($2, sync_config.sync_history), "
            + "sync_environments = coalesce($3, sync_config.sync_environments), "
            + "sync_secrets = coalesce($4, sync_config.sync_secrets), "
            + "sync_collections = coalesce($5, sync_config.sync_collections), "
            + "sync_settings = coalesce($6, sync_config.sync_settings), updated_at = now() returning *")
        .execute(Tuple.tuple(Arrays.asList(account, values[0], values[1], values[2], values[3], values[4])))
        .map(rows -> json(rows.iterator().next()));
  }

  static JsonObject defaults() {
    JsonObject config = new JsonObject();
    KEYS.forEach(k -> config.put(k, true));
    return config.putNull("updated_at");
  }

  private static JsonObject json(Row r) {
    JsonObject config = new JsonObject();
    KEYS.forEach(k -> config.put(k, r.getBoolean(k)));
    return config.put("updated_at", r.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
