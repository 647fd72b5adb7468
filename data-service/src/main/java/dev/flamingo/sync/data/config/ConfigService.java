package dev.flamingo.sync.data.config;

import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.data.blob.ChangeCounter;
import dev.flamingo.sync.data.support.Events;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** GET/PUT /api/sync/config. */
public final class ConfigService {
  private final ConfigStore store;
  private final Events events;

  public ConfigService(ConfigStore store, Events events) {
    this.store = store;
    this.events = events;
  }

  public Future<JsonObject> get(JsonObject body, RequestContext ctx) {
    return store.get(ctx.requireAccount()).map(Reply::data);
  }

  /** A partial update: known keys with boolean values apply, anything else is ignored. */
  public Future<JsonObject> put(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    Boolean[] values = new Boolean[ConfigStore.KEYS.size()];
    JsonObject applied = new JsonObject();
    for (int i = 0; i < values.length; i++) {
      String key = ConfigStore.KEYS.get(i);
      if (body.getValue(key) instanceof Boolean b) {
        values[i] = b;
        applied.put(key, b);
      }
    }
    if (applied.isEmpty()) {
      throw new ServiceException(400, "No valid fields to update");
    }
    return store.pool().withTransaction(tx -> ChangeCounter.hold(tx, account).compose(v -> store.update(tx, account, values))
            .compose(row -> events.audit(tx, "config.changed", ctx, applied.copy()).map(row)))
        .map(row -> Reply.data(applied.put("updated_at", row.getString("updated_at"))));
  }
}
