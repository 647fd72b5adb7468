package dev.flamingo.sync.auth.admin;

import dev.flamingo.sync.auth.account.AccountStore.Account;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The server-wide log of admin actions (auth.admin_log): written in the transaction of the action itself, with
 * the time, the admin's account id and e-mail then, the action, the target account's id and e-mail then, and the
 * admin's client address. No foreign keys and no purge: it outlives the deletion of the admin and of the target.
 * The admin page ({@code GET /api/admin/log}) and {@code bin/flamingo-admin log} show it.
 */
public final class AdminLog {
  /** The admin e-mail of an action taken by the operator's command (no account). */
  public static final String OPERATOR = "operator (command line)";

  private AdminLog() {}

  /**
   * Records {@code action} by {@code admin} (null: the operator's command) in {@code tx}; the target's e-mail is
   * read in the same statement. When {@code target} is given and {@code outbox} is not null, the target's own audit
   * log gets {@code "admin." + action} too (without the admin's address: {by: "admin"}).
   */
  public static Future<Void> record(SqlClient tx, Outbox outbox, RequestContext ctx, Account admin, String action,
      Long target, JsonObject metadata) {
    JsonObject meta = metadata == null ? new JsonObject() : metadata;
    Future<Void> logged = tx.preparedQuery("insert into admin_log (admin_account_id, admin_email, action, "
            + "target_account_id, target_email, client_ip, metadata) "
            + "values ($1, $2, $3, $4, (select email from accounts where id = $4), $5, $6::jsonb)")
        .execute(Tuple.of(admin == null ? null : admin.id(), admin == null ? OPERATOR : admin.email(), action, target,
            admin == null ? null : ctx.clientIp(), meta.encode()))
        .mapEmpty();
    if (target == null || outbox == null) {
      return logged;
    }
    RequestContext hidden = RequestContext.anonymous(ctx.requestId(), null, null);
    return logged.compose(v -> outbox.audit(tx, "admin." + action, hidden, target, null,
        meta.copy().put("by", admin == null ? "operator" : "admin")));
  }

  /** Newest first: at most {@code limit} entries with an id below {@code before} (all when null). */
  public static Future<JsonObject> page(Pool pool, int limit, Long before) {
    return pool.preparedQuery("select * from admin_log where ($2::bigint is null or id < $2) order by id desc limit $1")
        .execute(Tuple.of(limit, before))
        .map(rows -> {
          JsonArray entries = new JsonArray();
          Long last = null;
          for (Row r : rows) {
            last = r.getLong("id");
            entries.add(new JsonObject().put("id", last)
                .put("at", r.getOffsetDateTime("created_at").toInstant().toString())
                .put("admin_account_id", r.getLong("admin_account_id")).put("admin_email", r.getString("admin_email"))
                .put("action", r.getString("action"))
                .put("target_account_id", r.getLong("target_account_id")).put("target_email", r.getString("target_email"))
                .put("ip", r.getString("client_ip"))
                .put("metadata", new JsonObject(r.getValue("metadata").toString())));
          }
          return new JsonObject().put("entries", entries).put("next_before", entries.size() == limit ? last : null);
        });
  }
}
