package dev.flamingo.sync.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which answers are an {@code auth-failure} line (what fail2ban counts). */
class AuthFailureLineTest {
  @Test
  void refusedCredentialsCountButARefusedSignUpDoesNot() {
    assertTrue(AccessLog.isAuthFailure(401, "/api/auth/login"));
    assertTrue(AccessLog.isAuthFailure(401, "/api/sync/config"));
    assertTrue(AccessLog.isAuthFailure(403, "/api/web/overview"));
    assertTrue(AccessLog.isAuthFailure(400, "/api/sync/token"), "a guessed temp token");
    assertTrue(AccessLog.isAuthFailure(400, "/api/sync/claim"), "a wrong claim password");
    assertFalse(AccessLog.isAuthFailure(403, "/api/auth/register"), "sign-ups closed: no credential was guessed");
    assertFalse(AccessLog.isAuthFailure(400, "/api/auth/register"));
    assertFalse(AccessLog.isAuthFailure(400, "/api/sync/init"));
    assertFalse(AccessLog.isAuthFailure(404, "/api/nope"));
  }
}
