package dev.flamingo.sync.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which answers are an {@code auth-failure} line (what fail2ban counts): guessed credentials only. */
class AuthFailureLineTest {
  @Test
  void wrongPasswordsAndGuessedTokensCount() {
    assertTrue(AuthFailures.counts(401, "Invalid email or password", false), "login");
    assertTrue(AuthFailures.counts(400, "The password is wrong", false), "a wrong claim password");
    assertTrue(AuthFailures.counts(400, "The current password is wrong", false), "password change");
    assertTrue(AuthFailures.counts(400, "Invalid token", false), "a guessed temp token");
    assertTrue(AuthFailures.counts(400, "Token has expired. Restart sync.", false), "an expired temp token");
    assertTrue(AuthFailures.counts(401, "Unauthorized", true), "an unknown or revoked bearer token");
  }

  @Test
  void normalTrafficAndRefusalsWithoutAGuessDoNot() {
    assertFalse(AuthFailures.counts(400, "Token not yet authorized. Complete login first.", false), "the app's polling");
    assertFalse(AuthFailures.counts(401, "Unauthorized", false), "an anonymous page's /api/auth/me");
    assertFalse(AuthFailures.counts(403, "Sign-ups are closed", false));
    assertFalse(AuthFailures.counts(403, "Cross-origin request refused", false));
    assertFalse(AuthFailures.counts(403, "Admins only", false));
    assertFalse(AuthFailures.counts(403, "This account is disabled", false));
    assertFalse(AuthFailures.counts(400, "Token was claimed by another account", false));
    assertFalse(AuthFailures.counts(400, "Email and password are required", false));
    assertFalse(AuthFailures.counts(404, "Not found", true));
    assertFalse(AuthFailures.counts(429, "Too many requests, retry in 5 seconds", true));
  }

  @Test
  void bearerHeader() {
    assertTrue(AuthFailures.isBearer("Bearer flm_sync_abc"));
    assertTrue(AuthFailures.isBearer("bearer x"));
    assertFalse(AuthFailures.isBearer(null));
    assertFalse(AuthFailures.isBearer("Bearer "));
    assertFalse(AuthFailures.isBearer("Basic dXNlcjpwYXNz"));
  }
}
