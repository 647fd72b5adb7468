package dev.flamingo.sync.gateway.admin;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.gateway.http.BusForwarder;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Deleting an account across the services, in an order that can always be finished by asking again:
 * auth-service disables it and ends its logins and sessions ({@code delete.begin}: with the owner's password,
 * or an admin's {@code account_id}), data-service removes its blobs, key escrow, config and quota, then
 * auth-service deletes the account and writes the account.deleted record, on which device-service removes its
 * devices and audit log (through the outbox, so also when device-service is down at the time).
 */
public final class AccountDeletions {
  private final BusForwarder bus;

  public AccountDeletions(BusForwarder bus) {
    this.bus = bus;
  }

  /** {@code begin} is {password} for the caller's own account, or {account_id} for an admin; → the finish's reply. */
  public Future<JsonObject> delete(RequestContext ctx, JsonObject begin) {
    return bus.request(ctx, Addresses.AUTH_ACCOUNT_DELETE_BEGIN, begin).compose(begun -> {
      long account = begun.getJsonObject("data").getLong("account_id");
      JsonObject id = new JsonObject().put("account_id", account);
      return bus.request(ctx, Addresses.DATA_ACCOUNT_PURGE, id)
          .compose(purged -> bus.request(ctx, Addresses.AUTH_ACCOUNT_DELETE_FINISH, id));
    });
  }
}
