package dev.flamingo.sync.data.support;

import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

/**
 * What data-service tells others: audit events, written to its outbox in the change's transaction (the relay
 * delivers them to device-service), and data changes, published for push to clients (best effort).
 */
public final class Events {
  /**
   * {account_id, data_type, version, deleted}: an account's blobs changed. data_type is null when every
   * type changed at once (a key rotation dropped them); version is the account's change counter after it.
   */
  public static final String DATA_CHANGED = "flamingo.events.data.changed";

  private final Vertx vertx;
  private final Outbox outbox;

  public Events(Vertx vertx, Outbox outbox) {
    this.vertx = vertx;
    this.outbox = outbox;
  }

  /** An audit event of the calling account and device, in {@code tx}; metadata never carries secrets. */
  public Future<Void> audit(SqlClient tx, String type, RequestContext ctx, JsonObject metadata) {
    return outbox.audit(tx, type, ctx, ctx.accountId(), ctx.deviceId(), metadata);
  }

  public void changed(long account, String type, long version, boolean deleted) {
    try {
      vertx.eventBus().publish(DATA_CHANGED, new JsonObject().put("account_id", account).put("data_type", type)
          .put("version", version).put("deleted", deleted));
    } catch (RuntimeException ignored) {
      // a change notice is best effort: the change itself is committed
    }
  }
}
