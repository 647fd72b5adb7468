package dev.flamingo.sync.auth.twofactor;

import io.vertx.core.Future;

/**
 * One kind of second factor (TOTP, passkey…): its method name in the second step's {@code methods}, and whether
 * an account has one. An account with any of them gets a second step after a right password.
 */
public interface SecondFactor {
  String method();

  Future<Boolean> enrolled(long account);
}
