package dev.flamingo.sync.auth.account;

import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * A password reset's removal of the account's second factors: the owner who lost them gets back in with the link,
 * and sees on Dashboard → Security when they were removed (accounts.second_factors_reset_at); audited
 * account.second_factors_removed. A new kind of factor adds its table to {@link #TABLES}.
 */
final class SecondFactorsReset {
  static final String[] TABLES = {"totp_factors", "recovery_codes", "passkeys"};

  private SecondFactorsReset() {}

  static Future<Void> remove(SqlClient tx, long account, RequestContext ctx, Outbox outbox) {
    Future<Integer> removed = Future.succeededFuture(0);
    for (String table : TABLES) {
      removed = removed.compose(n -> tx.preparedQuery("delete from " + table + " where account_id = $1")
          .execute(Tuple.of(account)).map(r -> n + r.rowCount()));
    }
    return removed.compose(n -> n == 0 ? Future.succeededFuture()
        : tx.preparedQuery("update accounts set second_factors_reset_at = now() where id = $1").execute(Tuple.of(account))
            .compose(r -> outbox.audit(tx, "account.second_factors_removed", ctx, account, null,
                new JsonObject().put("by", "password_reset"))));
  }
}
