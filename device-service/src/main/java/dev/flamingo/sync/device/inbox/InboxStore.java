package dev.flamingo.sync.device.inbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/** The SQL of {@code delivered_events}: which device-state events were already applied. */
public final class InboxStore {
  private final Pool pool;

  public InboxStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** Records the event as applied in {@code tx}; false when it already was (a redelivery). */
  public Future<Boolean> firstTime(SqlClient tx, UUID eventId) {
    return tx.preparedQuery("insert into delivered_events (event_id) values ($1) on conflict (event_id) do nothing")
        .execute(Tuple.of(eventId))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Forgets events received before {@code cutoff}; how many. */
  public Future<Integer> deleteBefore(OffsetDateTime cutoff) {
    return pool.preparedQuery("delete from delivered_events where received_at < $1")
        .execute(Tuple.of(cutoff))
        .map(RowSet::rowCount);
  }
}
