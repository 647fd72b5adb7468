package dev.flamingo.sync.data.key;

import dev.flamingo.sync.common.security.KeyWrapper;
import io.vertx.core.Future;

/** Re-wraps every stored key under the current KEK (after a KEK rotation), in batches. */
public final class Rewrap {
  private final KeyStore store;
  private final KeyWrapper wrapper;

  public Rewrap(KeyStore store, KeyWrapper wrapper) {
    this.store = store;
    this.wrapper = wrapper;
  }

  /** How many rows were re-wrapped. */
  public Future<Integer> all() {
    return batch(0);
  }

  private Future<Integer> batch(int done) {
    return store.wrappedWithOther(wrapper.currentId(), 500).compose(keys -> {
      if (keys.isEmpty()) {
        return Future.succeededFuture(done);
      }
      Future<Integer> chain = Future.succeededFuture(0);
      for (KeyStore.StoredKey k : keys) {
        chain = chain.compose(n -> store.rewrap(k, wrapper.wrap(k.accountId(), wrapper.unwrap(k.accountId(), k.wrapped())))
            .map(ok -> ok ? n + 1 : n));
      }
      return chain.compose(n -> batch(done + n));
    });
  }
}
