package dev.flamingo.sync.device.audit;

import dev.flamingo.sync.device.support.Times;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The SQL of the audit log. */
public final class AuditStore {
  private final Pool pool;

  public AuditStore(Pool pool) {
    this.pool = pool;
  }

  /** One multi-row insert, in the batch's order; an event already stored (same key) is skipped. */
  public Future<Void> insert(List<AuditEvent> batch) {
    int n = batch.size();
    UUID[] keys = new UUID[n];
    String[] types = new String[n];
    Long[] accounts = new Long[n];
    UUID[] devices = new UUID[n];
    String[] ips = new String[n];
    String[] agents = new String[n];
    String[] metadata = new String[n];
    OffsetDateTime[] created = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      AuditEvent e = batch.get(i);
      keys[i] = e.key();
      types[i] = e.eventType();
      accounts[i] = e.accountId();
      devices[i] = e.deviceId();
      ips[i] = e.ip();
      agents[i] = e.userAgent();
      metadata[i] = e.metadata().encode();
      created[i] = e.createdAt();
    }
    return pool.preparedQuery("""
            insert into audit_log (event_key, event_type, account_id, device_id, ip_address, user_agent, metadata,
                                   created_at)
            select k, t, a, d, ip, ua, m::jsonb, c
            from unnest($1::uuid[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                        $8::timestamptz[]) with ordinality as v(k, t, a, d, ip, ua, m, c, ord)
            order by ord
            on conflict (event_key) do nothing""")
        .execute(Tuple.of(keys, types, accounts, devices, ips, agents, metadata, created))
        .mapEmpty();
  }

  /** The account's events, newest first, older than the {@code before} id when given, of one type when given. */
  public Future<JsonArray> list(long accountId, String eventType, Long before, int limit) {
    StringBuilder sql = new StringBuilder(
        "select id, event_type, device_id, ip_address, user_agent, metadata, created_at from audit_log "
            + "where account_id = $1");
    List<Object> params = new ArrayList<>();
    params.add(accountId);
    if (eventType != null) {
      params.add(eventType);
      sql.append(" and event_type = $").append(params.size());
    }
    if (before != null) {
      params.add(before);
      sql.append(" and id < $").append(params.size());
    }
    params.add(limit);
    sql.append(" order by id desc limit $").append(params.size());
    return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(AuditStore::events);
  }

  /** Deletes up to {@code batch} events created before {@code cutoff}; returns how many. */
  public Future<Integer> deleteOlderThan(OffsetDateTime cutoff, int batch) {
    return pool.preparedQuery("delete from audit_log where id in "
            + "(select id from audit_log where created_at < $1 order by id limit $2)")
        .execute(Tuple.of(cutoff, batch))
        .map(RowSet::rowCount);
  }

  /**
   * An IP address in its RFC 5952 text form ("::1", not "0:0:0:0:0:0:0:1", as events recorded before the gateway
   * normalised its peer address hold it); anything that is not an IP literal as it is. No DNS.
   */
  static String shortForm(String ip) {
    if (ip == null || !NetUtil.isValidIpV4Address(ip) && !NetUtil.isValidIpV6Address(ip)) {
      return ip;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
    return bytes == null ? ip : NetUtil.bytesToIpAddress(bytes);
  }

  private static JsonArray events(RowSet<Row> rows) {
    JsonArray array = new JsonArray();
    for (Row r : rows) {
      Object metadata = r.getJson("metadata");
      UUID device = r.getUUID("device_id");
      array.add(new JsonObject()
          .put("id", r.getLong("id"))
          .put("event_type", r.getString("event_type"))
          .put("ip_address", shortForm(r.getString("ip_address")))
          .put("metadata", metadata instanceof JsonObject m ? m : new JsonObject())
          .put("created_at", Times.iso(r.getOffsetDateTime("created_at")))
          .put("device_id", device == null ? null : device.toString())
          .put("user_agent", r.getString("user_agent")));
    }
    return array;
  }
}
