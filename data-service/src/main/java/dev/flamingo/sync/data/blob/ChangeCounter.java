package dev.flamingo.sync.data.blob;

import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The account-wide change counter: every change to an account's blobs (write, delete, the drop on a key
 * rotation) takes the next value inside its transaction, before it touches a blob row. Taking it locks the
 * account's counter row until the transaction ends, so an account's changes are serialized and commit in
 * version order; a transaction that rolls back gives its value back. The one-statement blob PUT
 * ({@link BlobStore#put}) takes it as a compare-and-set from the value its snapshot saw, so it too moves the
 * counter only when nothing else changed the account meanwhile.
 */
public final class ChangeCounter {
  /** The refusal of a write of an account whose purge has begun (409). */
  public static final String DELETING = "This account is being deleted";

  private ChangeCounter() {}

  static ServiceException deleting() {
    return new ServiceException(409, DELETING);
  }

  /** The account's next version; call it first in the transaction (it is the lock). 409 when the account is being deleted. */
  public static Future<Long> next(SqlClient tx, long account) {
    return tx.preparedQuery("insert into change_seq (account_id, last_version) values ($1, 1) on conflict (account_id) "
            + "do update set last_version = change_seq.last_version + 1 returning last_version, deleting")
        .execute(Tuple.of(account)).compose(rows -> {
          Row r = rows.iterator().next();
          return r.getBoolean("deleting") ? Future.failedFuture(deleting()) : Future.succeededFuture(r.getLong(0));
        });
  }

  /**
   * Locks the account's counter row without moving it (creating it at 0 when missing), so that the
   * transaction's next statements see every earlier change of the account and no other can start; 409 when the
   * account is being deleted. Every write of an account that does not move the counter calls it first.
   */
  public static Future<Void> hold(SqlClient tx, long account) {
    return tx.preparedQuery("insert into change_seq (account_id, last_version) values ($1, 0) on conflict (account_id) "
            + "do update set last_version = change_seq.last_version returning deleting")
        .execute(Tuple.of(account))
        .compose(rows -> rows.iterator().next().getBoolean(0) ? Future.failedFuture(deleting()) : Future.succeededFuture());
  }

  /**
   * Marks the account as being deleted (the purge's first statement): it waits for the writes that hold the
   * counter row, so the purge's next statement sees what they wrote, and every later write sees the mark.
   */
  public static Future<Void> markDeleting(SqlClient tx, long account) {
    return tx.preparedQuery("insert into change_seq (account_id, last_version, deleting) values ($1, 0, true) "
            + "on conflict (account_id) do update set deleting = true")
        .execute(Tuple.of(account)).mapEmpty();
  }
}
