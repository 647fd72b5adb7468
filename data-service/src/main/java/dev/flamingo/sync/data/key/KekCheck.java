package dev.flamingo.sync.data.key;

import dev.flamingo.sync.common.security.KeyWrapper;
import io.vertx.core.Future;
import java.util.List;

/**
 * The start-up check that every KEK id wrapping a stored key is configured (current or previous). Without
 * it a restored or reconfigured server starts and answers 500 on every key read; with it the start fails
 * with one line naming the missing id(s).
 */
public final class KekCheck {
  private KekCheck() {}

  /** Succeeds when every stored key can be unwrapped by id; fails with an {@link IllegalStateException} otherwise. */
  public static Future<Void> verify(KeyStore store, KeyWrapper wrapper) {
    return store.kekIdsInUse().compose(ids -> {
      List<String> missing = ids.stream().filter(id -> !wrapper.knows(id)).toList();
      if (missing.isEmpty()) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(new IllegalStateException(message(missing, wrapper.currentId())));
    });
  }

  static String message(List<String> missing, String currentId) {
    return "data-service cannot start: stored keys are wrapped with KEK id(s) " + String.join(", ", missing)
        + " that are not configured (the current KEK id is '" + currentId + "'); set FLAMINGO_KEK_ID to the id"
        + " of FLAMINGO_KEK (or the kek file) or add the old KEK(s) to FLAMINGO_KEK_PREVIOUS as id:base64";
  }
}
