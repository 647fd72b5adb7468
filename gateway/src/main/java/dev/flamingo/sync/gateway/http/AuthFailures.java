package dev.flamingo.sync.gateway.http;

import java.util.Set;

/**
 * The one rule for what the fail2ban line ({@code auth-failure}, see {@link AccessLog}) counts: a credential that
 * was tried and was wrong, decided from the answer's status and error message (the services' own words).
 *
 * <ul>
 *   <li>a wrong password: login's 401 "Invalid email or password", the claim's, the password change's and the
 *       account deletion's 400 "The password is wrong" / "The current password is wrong"; a passkey refused at a
 *       login's second step (401 "The passkey was not accepted");</li>
 *   <li>a guessed or expired temp token: 400 "Invalid token" / "Token has expired. Restart sync." (token, claim);
 *       likewise a guessed or expired password-reset link;</li>
 *   <li>an unknown, revoked or expired bearer token: 401 on a request that sent {@code Authorization: Bearer}.</li>
 * </ul>
 *
 * Not counted: normal traffic and refusals where nothing was guessed: a request without any credential (an
 * anonymous page's {@code GET /api/auth/me}), a device polling {@code /api/sync/token} before its user authorizes
 * it ("Token not yet authorized"), a token claimed by another account, a browser cookie that is no longer valid
 * (it is signed: it cannot be guessed, and a signed-out tab would ban its owner), every 403 (cross-origin, admins
 * only, a disabled account, closed sign-ups), every other 400.
 */
public final class AuthFailures {
  static final Set<String> WRONG_SECRET = Set.of(
      "Invalid email or password",
      "The password is wrong",
      "The current password is wrong",
      // a passkey's answer refused at a login's second step (a cloned key, a forged signature)
      "The passkey was not accepted",
      "Invalid token",
      "Token has expired. Restart sync.",
      // a guessed or expired password-reset link (auth-service PasswordReset; a used one is its owner's second click)
      "This password reset link is not valid: ask your admin for a new one",
      "This password reset link has expired: ask your admin for a new one");

  private AuthFailures() {}

  /**
   * Whether an answer of {@code status} with the envelope's {@code error} (null without one) to a request that did
   * ({@code bearerSent}) or did not send a bearer token is a guessed credential.
   */
  public static boolean counts(int status, String error, boolean bearerSent) {
    if (status == 401 && bearerSent) {
      return true;
    }
    return (status == 400 || status == 401) && error != null && WRONG_SECRET.contains(error);
  }

  /** Whether the {@code Authorization} header value carries a bearer token. */
  static boolean isBearer(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        && !authorization.substring(7).isBlank();
  }
}
