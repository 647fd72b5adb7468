package dev.flamingo.sync.common.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Account ids in a bus request's body (the operators' tools name accounts other than the caller's). */
public final class AccountIds {
  /** The most accounts one question may name (a page of the admin's list). */
  public static final int MAX = 500;

  private AccountIds() {}

  /** {@code account_id}: a positive whole number, else 400. */
  public static long one(JsonObject body) {
    Object raw = body.getValue("account_id");
    if ((raw instanceof Integer || raw instanceof Long) && ((Number) raw).longValue() > 0) {
      return ((Number) raw).longValue();
    }
    throw ServiceException.badRequest("account_id must be an account's id");
  }

  /** {@code account_ids}: a list of at most {@link #MAX} whole numbers, else 400. */
  public static Long[] list(JsonObject body) {
    Object raw = body.getValue("account_ids");
    if (!(raw instanceof JsonArray list) || list.size() > MAX) {
      throw ServiceException.badRequest("account_ids must be a list of at most " + MAX + " account ids");
    }
    Long[] ids = new Long[list.size()];
    for (int i = 0; i < ids.length; i++) {
      if (!(list.getValue(i) instanceof Integer || list.getValue(i) instanceof Long)) {
        throw ServiceException.badRequest("account_ids must be a list of account ids");
      }
      ids[i] = ((Number) list.getValue(i)).longValue();
    }
    return ids;
  }
}
