package dev.flamingo.sync.auth.twofactor;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;

/** SQL for pending second steps and the failures that limit them. */
final class SecondStepStore {
  /** A pending step as stored (the token only as its SHA-256). */
  record Step(byte[] idHash, long accountId, OffsetDateTime expiresAt, int attempts, OffsetDateTime doneAt) {
    static Step of(Row r) {
      return new Step(r.getBuffer("id_hash").getBytes(), r.getLong("account_id"), r.getOffsetDateTime("expires_at"),
          r.getInteger("attempts"), r.getOffsetDateTime("done_at"));
    }

    boolean expired() {
      return expiresAt.isBefore(OffsetDateTime.now());
    }
  }

  private final Pool pool;

  SecondStepStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> insert(byte[] idHash, long account, String clientIp, int ttlSeconds) {
    return pool.preparedQuery("insert into second_steps (id_hash, account_id, client_ip, expires_at) "
            + "values ($1, $2, $3, now() + ($4::int * interval '1 second'))")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(idHash), account, clientIp, ttlSeconds)).mapEmpty();
  }

  Future<Step> find(byte[] idHash) {
    return pool.preparedQuery("select * from second_steps where id_hash = $1")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(idHash)))
        .map(rows -> rows.size() == 0 ? null : Step.of(rows.iterator().next()));
  }

  /** One more failed attempt on the step and a failure for the account's and the address's limits. */
  Future<Void> fail(SqlClient tx, byte[] idHash, long account, String clientIp) {
    return tx.preparedQuery("update second_steps set attempts = attempts + 1 where id_hash = $1")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(idHash)))
        .compose(r -> tx.preparedQuery("insert into second_step_failures (account_id, client_ip) values ($1, $2)")
            .execute(Tuple.of(account, clientIp)))
        .mapEmpty();
  }

  /** Marks the step done, once: false when it was done already, expired or is another account's. */
  Future<Boolean> finish(SqlClient tx, byte[] idHash, long account) {
    return tx.preparedQuery("update second_steps set done_at = now() where id_hash = $1 and account_id = $2 "
            + "and done_at is null and expires_at > now()")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(idHash), account))
        .map(r -> r.rowCount() == 1);
  }

  /**
   * Seconds until the account (or the address) may try again, when it failed {@code perAccount} (or
   * {@code perAddress}) times within the last {@code windowSeconds}; 0 when it may try now.
   */
  Future<Long> waitSeconds(long account, String clientIp, int perAccount, int perAddress, int windowSeconds) {
    String sql = "select coalesce(max(w), 0) as wait from ("
        + " select ceil(extract(epoch from (min(failed_at) + ($3::int * interval '1 second') - now())))::bigint as w"
        + " from (select failed_at from second_step_failures where account_id = $1"
        + "   and failed_at > now() - ($3::int * interval '1 second') order by failed_at desc limit $4::int) a having count(*) >= $4::int"
        + " union all"
        + " select ceil(extract(epoch from (min(failed_at) + ($3::int * interval '1 second') - now())))::bigint"
        + " from (select failed_at from second_step_failures where client_ip = $2"
        + "   and failed_at > now() - ($3::int * interval '1 second') order by failed_at desc limit $5::int) b having count(*) >= $5::int"
        + ") waits";
    return pool.preparedQuery(sql).execute(Tuple.of(account, clientIp, windowSeconds, perAccount, perAddress))
        .map(rows -> Math.max(rows.iterator().next().getLong("wait"), 0L));
  }

  /** Forgets steps past their expiry and failures past the window; how many rows. */
  Future<Integer> deleteExpired(int windowSeconds) {
    return pool.query("delete from second_steps where expires_at < now() - interval '1 hour'").execute()
        .compose(a -> pool.preparedQuery("delete from second_step_failures where failed_at < now() - ($1::int * interval '1 second')")
            .execute(Tuple.of(windowSeconds)).map(b -> a.rowCount() + b.rowCount()));
  }
}
