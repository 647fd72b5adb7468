package dev.flamingo.sync.gateway.limits;

import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;

/**
 * The client networks (IP buckets, see {@link ClientKey}) from which an e-mail signed in successfully
 * in the last 30 days. The failed-login limit of an e-mail does not apply to them, so that an attacker
 * who fails logins for someone else's address cannot lock its owner out of the networks they use.
 * Only a correct password creates an entry, so an attacker cannot grow this set; entries expire.
 * Kept in the shared counters as {@code known:sha256(email|bucket)} (nothing readable).
 */
final class KnownNetworks {
  static final long REMEMBER_MILLIS = 30L * 24 * 3600 * 1000;

  private final WindowCounter counter;

  KnownNetworks(WindowCounter counter) {
    this.counter = counter;
  }

  Future<Boolean> known(String email, String bucket) {
    return counter.add(key(email, bucket), 0, REMEMBER_MILLIS).map(count -> count > 0);
  }

  void remember(String email, String bucket) {
    counter.add(key(email, bucket), 1, REMEMBER_MILLIS);
  }

  private static String key(String email, String bucket) {
    return "known:" + Tokens.sha256Hex("known:" + email + '|' + bucket);
  }
}
