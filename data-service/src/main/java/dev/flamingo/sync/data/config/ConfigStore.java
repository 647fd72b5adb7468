package dev.flamingo.sync.data.config;

import dev.flamingo.sync.common.data.DataType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

/** SQL for the per-account sync config; an account without a row has the defaults (all true). */
public final class ConfigStore {
  /** The config keys (and columns), one per {@link DataType}, in order. */
  public static final List<String> KEYS = DataType.configKeys();
  private static final String UPSERT = upsert(KEYS);

  private final Pool pool;

  public ConfigStore(Pool pool) {
    this.pool = pool;
  }

  /** The config as the contract shows it; updated_at is null when never changed. */
  public Future<JsonObject> get(SqlClient client, long account) {
    return client.preparedQuery("select * from sync_config where account_id = $1").execute(Tuple.of(account))
        .map(rows -> rows.size() == 0 ? defaults() : json(rows.iterator().next()));
  }

  public Pool pool() {
    return pool;
  }

  public Future<JsonObject> get(long account) {
    return get(pool, account);
  }

  /**
   * Applies the given booleans, one per {@link DataType} in order (null = unchanged); the whole row after the
   * change.
   */
  public Future<JsonObject> update(SqlClient client, long account, Boolean[] values) {
    List<Object> params = new ArrayList<>();
    params.add(account);
    params.addAll(Arrays.asList(values));
    return client.preparedQuery(UPSERT).execute(Tuple.tuple(params)).map(rows -> json(rows.iterator().next()));
  }

  /** The upsert, built from the type list: {@code $1} the account, {@code $2..} one switch per type. */
  static String upsert(List<String> keys) {
    StringJoiner columns = new StringJoiner(", ");
    StringJoiner inserted = new StringJoiner(", ");
    StringJoiner updated = new StringJoiner(", ");
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      String param = "$" + (i + 2);
      columns.add(key);
      inserted.add("coalesce(" + param + ", true)");
      updated.add(key + " = coalesce(" + param + ", sync_config." + key + ")");
    }
    return "insert into sync_config (account_id, " + columns + ") values ($1, " + inserted + ") "
        + "on conflict (account_id) do update set " + updated + ", updated_at = now() returning *";
  }

  static JsonObject defaults() {
    return DataType.defaultConfig().putNull("updated_at");
  }

  private static JsonObject json(Row r) {
    JsonObject config = new JsonObject();
    KEYS.forEach(k -> config.put(k, r.getBoolean(k)));
    return config.put("updated_at", r.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
