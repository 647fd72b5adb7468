package dev.flamingo.sync.device.audit;

import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** The caller's audit log: DEVICE_AUDIT_LIST {limit?, before?, event_type?} (strings from query params). */
public final class AuditService {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  private final AuditStore store;

  public AuditService(AuditStore store) {
    this.store = store;
  }

  /** → bare array, newest first, of {id, event_type, ip_address, metadata, created_at, device_id, user_agent}. */
  public Future<JsonObject> list(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    int limit = limit(body.getValue("limit"));
    Long before = before(body.getValue("before"));
    String type = eventType(body.getValue("event_type"));
    return store.list(account, type, before, limit).map(Reply::data);
  }

  /** Default 50; more than 200 is 200; not a whole number of at least 1: 400. */
  static int limit(Object raw) {
    Long n = whole(raw, "limit must be a whole number from 1 to " + MAX_LIMIT);
    if (n == null) {
      return DEFAULT_LIMIT;
    }
    if (n < 1) {
      throw ServiceException.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
    }
    return (int) Math.min(n, MAX_LIMIT);
  }

  /** The id of the last event seen (a positive whole number), or null. */
  static Long before(Object raw) {
    Long n = whole(raw, "before must be the id of an audit event");
    if (n != null && n < 1) {
      throw ServiceException.badRequest("before must be the id of an audit event");
    }
    return n;
  }

  static String eventType(Object raw) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String s)) {
      throw ServiceException.badRequest("event_type must be a string");
    }
    s = s.trim();
    if (s.isEmpty()) {
      return null;
    }
    if (s.length() > AuditEvent.TYPE_MAX) {
      throw ServiceException.badRequest("event_type is too long");
    }
    return s;
  }

  /** A JSON integer or a string of digits; null when absent or blank; anything else is a 400 with {@code error}. */
  private static Long whole(Object raw, String error) {
    if (raw == null) {
      return null;
    }
    if (raw instanceof Integer || raw instanceof Long) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof String s) {
      s = s.trim();
      if (s.isEmpty()) {
        return null;
      }
      if (s.matches("-?[0-9]{1,18}")) {
        return Long.parseLong(s);
      }
    }
    throw ServiceException.badRequest(error);
  }
}
