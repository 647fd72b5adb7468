package dev.flamingo.sync.device.account;

import dev.flamingo.sync.common.bus.AccountIds;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Accounts as a whole, for the operators' tools: their devices and last use, the server's device totals, and
 * removing an account's devices and audit log when the account is deleted (on its account.deleted audit event,
 * delivered through auth-service's outbox after every earlier event of the account).
 */
public final class AccountActivity {
  /** The audit event auth-service writes when an account's deletion completes. */
  public static final String ACCOUNT_DELETED = "account.deleted";

  private final Pool pool;

  public AccountActivity(Pool pool) {
    this.pool = pool;
  }

  /** DEVICE_ADMIN_ACTIVITY {account_ids} → {activity: {"<id>": {devices, last_seen_at}}} (devices not revoked). */
  public Future<JsonObject> activity(JsonObject body, RequestContext ctx) {
    Long[] ids = AccountIds.list(body);
    return pool.preparedQuery("select a.id, count(d.id) as devices, max(d.last_seen_at) as last_seen_at "
            + "from unnest($1::bigint[]) as a(id) left join devices d on d.account_id = a.id and d.revoked_at is null "
            + "group by a.id")
        .execute(Tuple.of(ids))
        .map(rows -> {
          JsonObject activity = new JsonObject();
          for (Row r : rows) {
            var seen = r.getOffsetDateTime("last_seen_at");
            activity.put(String.valueOf(r.getLong("id")), new JsonObject().put("devices", r.getLong("devices"))
                .put("last_seen_at", seen == null ? null : seen.toInstant().toString()));
          }
          return Reply.data(new JsonObject().put("activity", activity));
        });
  }

  /** DEVICE_ADMIN_TOTALS → {devices, active_devices}: devices not revoked; of those, seen within 30 days. */
  public Future<JsonObject> totals(JsonObject body, RequestContext ctx) {
    return pool.query("select count(*) as devices, count(*) filter (where last_seen_at > now() - interval '30 days') "
            + "as active from devices where revoked_at is null").execute()
        .map(rows -> {
          Row r = rows.iterator().next();
          return Reply.data(new JsonObject().put("devices", r.getLong("devices"))
              .put("active_devices", r.getLong("active")));
        });
  }

  /**
   * Removes the account's devices and every audit event of it except {@code keep} (the deletion's own record,
   * which stays, without the user's data), in {@code client}'s transaction; how many rows.
   */
  public static Future<Integer> purge(SqlClient client, long account, UUID keep) {
    return client.preparedQuery("with d as (delete from devices where account_id = $1 returning 1), "
            + "a as (delete from audit_log where account_id = $1 and event_key <> $2 returning 1) "
            + "select (select count(*) from d) + (select count(*) from a)")
        .execute(Tuple.of(account, keep)).map(rows -> rows.iterator().next().getInteger(0));
  }
}
