package dev.flamingo.sync.common.outbox;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of a service's {@code outbox} table (in the service's own schema, created by its own migration:
 * {@code id bigserial, event_id uuid, topic text, payload jsonb, created_at timestamptz}).
 */
public final class OutboxStore {
  /** One pending event. */
  public record Pending(long id, UUID eventId, String topic, JsonObject payload) {}

  /** Adds an event to the outbox inside the caller's transaction (or as one statement on a pool). */
  public Future<Void> insert(SqlClient client, UUID eventId, String topic, JsonObject payload) {
    return client.preparedQuery("insert into outbox (event_id, topic, payload) values ($1, $2, $3)")
        .execute(Tuple.of(eventId, topic, payload))
        .mapEmpty();
  }

  /**
   * True when this transaction may relay: one relay of a service works at a time (a transaction-scoped
   * advisory lock named after the schema), so the events go out in their order even with several instances.
   */
  public Future<Boolean> tryRelayLock(SqlClient tx) {
    return tx.query("select pg_try_advisory_xact_lock(hashtext(current_schema() || '.outbox')) as locked").execute()
        .map(rows -> rows.iterator().next().getBoolean("locked"));
  }

  /** The oldest pending events, in id order, locked for this transaction (skipping rows another relay holds). */
  public Future<List<Pending>> oldest(SqlClient tx, int limit) {
    return tx.preparedQuery("select id, event_id, topic, payload from outbox order by id limit $1 "
            + "for update skip locked")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<Pending> list = new ArrayList<>(rows.size());
          for (Row r : rows) {
            list.add(new Pending(r.getLong("id"), r.getUUID("event_id"), r.getString("topic"),
                r.getJsonObject("payload")));
          }
          return list;
        });
  }

  /** Removes delivered events. */
  public Future<Void> delete(SqlClient tx, List<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("delete from outbox where id = any($1)")
        .execute(Tuple.of(ids.toArray(new Long[0])))
        .mapEmpty();
  }

  /** How many events wait (for metrics and tests). */
  public Future<Long> pending(SqlClient client) {
    return client.query("select count(*) as n from outbox").execute()
        .map(rows -> rows.iterator().next().getLong("n"));
  }
}
