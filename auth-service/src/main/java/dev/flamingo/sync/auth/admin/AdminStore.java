package dev.flamingo.sync.auth.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** The SQL of the admin's view of accounts (accounts being deleted are left out). */
public final class AdminStore {
  /** A page of accounts and how many match in all. */
  public record Page(JsonArray accounts, long total) {}

  private final Pool pool;

  public AdminStore(Pool pool) {
    this.pool = pool;
  }

  /** Accounts whose e-mail contains {@code q} (all when null), of id {@code id} when given, by e-mail. */
  public Future<Page> search(String q, Long id, int limit, int offset) {
    return pool.preparedQuery("select id, email, created_at, disabled_at, admin_since, count(*) over () as total from accounts "
            + "where deleting_at is null and ($1::text is null or strpos(email, $1) > 0) "
            + "and ($4::bigint is null or id = $4) order by email limit $2 offset $3")
        .execute(Tuple.of(q, limit, offset, id))
        .compose(rows -> {
          JsonArray list = new JsonArray();
          long total = 0;
          for (Row r : rows) {
            total = r.getLong("total");
            list.add(new JsonObject().put("account_id", r.getLong("id")).put("email", r.getString("email"))
                .put("created_at", r.getOffsetDateTime("created_at").toInstant().toString())
                .put("disabled", r.getOffsetDateTime("disabled_at") != null)
                .put("is_admin", r.getOffsetDateTime("admin_since") != null));
          }
          if (list.isEmpty() && offset > 0) {
            // a page past the end still says how many there are
            return count(q).map(n -> new Page(list, n));
          }
          return Future.succeededFuture(new Page(list, total));
        });
  }

  private Future<Long> count(String q) {
    return pool.preparedQuery("select count(*) from accounts where deleting_at is null "
            + "and ($1::text is null or strpos(email, $1) > 0)").execute(Tuple.of(q))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** {accounts, disabled_accounts}. */
  public Future<JsonObject> figures() {
    return pool.query("select count(*) as accounts, count(*) filter (where disabled_at is not null) as disabled "
            + "from accounts where deleting_at is null").execute()
        .map(rows -> {
          Row r = rows.iterator().next();
          return new JsonObject().put("accounts", r.getLong("accounts")).put("disabled_accounts", r.getLong("disabled"));
        });
  }
}
