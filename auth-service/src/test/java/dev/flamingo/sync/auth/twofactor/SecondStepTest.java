package dev.flamingo.sync.auth.twofactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.auth.AuthServiceTestBase;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.testing.TotpCodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two-factor sign-in in auth-service: TOTP enrollment, the second step after a right password (right, wrong, expired
 * and replayed codes), recovery codes, the step's limits, and the secret sealed at rest.
 */
class SecondStepTest extends AuthServiceTestBase {

  /** An account with TOTP on: {account_id, email, secret, recovery_codes}. */
  JsonObject enrolled() {
    JsonObject account = register();
    long id = account.getLong("account_id");
    JsonObject offer = data(Addresses.AUTH_TOTP_BEGIN, new JsonObject(), as(id));
    String secret = offer.getString("secret");
    assertTrue(offer.getString("otpauth_uri").startsWith("otpauth://totp/"), offer.getString("otpauth_uri"));
    assertTrue(offer.getString("qr_svg").startsWith("<svg"), "the QR code is an SVG");
    TotpCodes.freshStep(5);
    JsonObject confirmed = data(Addresses.AUTH_TOTP_CONFIRM, new JsonObject().put("code", TotpCodes.now(secret)), as(id));
    return account.put("secret", secret).put("recovery_codes", confirmed.getJsonArray("recovery_codes"));
  }

  JsonObject login(String email) {
    return data(Addresses.AUTH_LOGIN, new JsonObject().put("email", email).put("password", PASSWORD), anon());
  }

  String stepToken(String email) {
    JsonObject reply = login(email);
    assertNull(reply.getString("browser_token"), "no browser login before the second step");
    return reply.getJsonObject("second_step").getString("token");
  }

  JsonObject second(String token, String method, String code) {
    return new JsonObject().put("token", token).put("method", method).put("code", code);
  }

  @Test
  void anAccountWithoutSecondFactorSignsInWithItsPassword() {
    JsonObject account = register();
    JsonObject reply = login(account.getString("email"));
    assertNotNull(reply.getString("browser_token"));
    assertNull(reply.getValue("second_step"));
  }

  @Test
  void enrollingTakesTheFirstRightCodeAndGivesTenRecoveryCodesOnce() {
    JsonObject account = register();
    long id = account.getLong("account_id");
    String secret = data(Addresses.AUTH_TOTP_BEGIN, new JsonObject(), as(id)).getString("secret");
    assertFails(400, TwoFactorService.WRONG_CODE, Addresses.AUTH_TOTP_CONFIRM, new JsonObject().put("code", "000000x"), as(id));
    // not on until confirmed: the password alone still signs in
    assertNotNull(login(account.getString("email")).getString("browser_token"));
    TotpCodes.freshStep(5);
    JsonArray codes = data(Addresses.AUTH_TOTP_CONFIRM, new JsonObject().put("code", TotpCodes.now(secret)), as(id))
        .getJsonArray("recovery_codes");
    assertEquals(10, codes.size());
    assertEquals(0, count("select count(*) from auth.recovery_codes where code_hash = convert_to(?, 'UTF8')",
        codes.getString(0)), "the codes are stored hashed");
    JsonObject status = data(Addresses.AUTH_TWO_FACTOR_STATUS, new JsonObject(), as(id));
    assertTrue(status.getBoolean("totp"));
    assertEquals(10, status.getInteger("recovery_codes_left"));
    assertEquals(409, failure(Addresses.AUTH_TOTP_BEGIN, new JsonObject(), as(id)).status());
    awaitEvent(Addresses.EVENT_AUDIT, e -> "account.totp.enrolled".equals(e.getString("event_type"))
        && e.getLong("account_id") == id);
  }

  @Test
  void theRightCodeSignsInOnceAndNoOtherCodeDoes() {
    JsonObject account = enrolled();
    String email = account.getString("email");
    String secret = account.getString("secret");
    long id = account.getLong("account_id");

    String token = stepToken(email);
    assertEquals(List.of("totp", "recovery_code"), login(email).getJsonObject("second_step").getJsonArray("methods").getList());
    assertFails(401, SecondStep.WRONG, Addresses.AUTH_SECOND_STEP, second(token, "totp", "123456".equals(TotpCodes.now(secret)) ? "654321" : "123456"), anon());
    // the previous step's code has expired
    assertFails(401, SecondStep.WRONG, Addresses.AUTH_SECOND_STEP,
        second(token, "totp", TotpCodes.at(secret, TotpCodes.step() - 2)), anon());
    // the enrollment took this step's code: wait for a new one
    TotpCodes.freshStep(31);
    String code = TotpCodes.now(secret);
    JsonObject signedIn = data(Addresses.AUTH_SECOND_STEP, second(token, "totp", code), anon());
    assertEquals(id, signedIn.getLong("account_id"));
    assertNotNull(data(Addresses.AUTH_BROWSER_VALIDATE, new JsonObject().put("browser_token", signedIn.getString("browser_token")), anon()));
    // the step is spent, and the same code on a new step is a replay
    assertFails(401, SecondStep.ENDED, Addresses.AUTH_SECOND_STEP, second(token, "totp", code), anon());
    assertFails(401, SecondStep.WRONG, Addresses.AUTH_SECOND_STEP, second(stepToken(email), "totp", code), anon());
    awaitEvent(Addresses.EVENT_AUDIT, e -> "auth.second_step.failed".equals(e.getString("event_type"))
        && e.getLong("account_id") == id);
  }

  @Test
  void aRecoveryCodeWorksOnce() {
    JsonObject account = enrolled();
    String email = account.getString("email");
    String code = account.getJsonArray("recovery_codes").getString(3);
    long id = account.getLong("account_id");
    JsonObject signedIn = data(Addresses.AUTH_SECOND_STEP, second(stepToken(email), "recovery_code", code.toUpperCase()), anon());
    assertEquals(id, signedIn.getLong("account_id"));
    assertFails(401, SecondStep.WRONG, Addresses.AUTH_SECOND_STEP, second(stepToken(email), "recovery_code", code), anon());
    assertEquals(9, data(Addresses.AUTH_TWO_FACTOR_STATUS, new JsonObject(), as(id)).getInteger("recovery_codes_left"));
    awaitEvent(Addresses.EVENT_AUDIT, e -> "account.recovery_code.used".equals(e.getString("event_type"))
        && e.getLong("account_id") == id);
  }

  @Test
  void aStepTakesAFewTriesAndTheAccountAFewMoreThenWaits() {
    JsonObject account = enrolled();
    String email = account.getString("email");
    String token = stepToken(email);
    for (int i = 0; i < SecondStep.MAX_ATTEMPTS; i++) {
      assertFails(401, SecondStep.WRONG, Addresses.AUTH_SECOND_STEP, second(token, "recovery_code", "aaaa-aaaa-aaaa-aaaa"), anon());
    }
    assertFails(401, SecondStep.ENDED, Addresses.AUTH_SECOND_STEP, second(token, "recovery_code", "aaaa-aaaa-aaaa-aaaa"), anon());
    String next = stepToken(email);
    for (int i = SecondStep.MAX_ATTEMPTS; i < SecondStep.PER_ACCOUNT; i++) {
      assertFails(401, SecondStep.WRONG, Addresses.AUTH_SECOND_STEP, second(next, "recovery_code", "aaaa-aaaa-aaaa-aaaa"), anon());
    }
    // over the account's limit even with a right code, from another address too
    RequestContext elsewhere = RequestContext.anonymous("t", "10.9.8.7", "ua");
    ServiceException limited = failure(Addresses.AUTH_SECOND_STEP,
        second(stepToken(email), "recovery_code", account.getJsonArray("recovery_codes").getString(0)), elsewhere);
    assertEquals(429, limited.status());
    assertTrue(limited.retryAfterSeconds() > 0 && limited.retryAfterSeconds() <= SecondStep.WINDOW_SECONDS,
        "Retry-After " + limited.retryAfterSeconds());
  }

  @Test
  void aDatabaseDumpHoldsNoTotpSecret() throws Exception {
    JsonObject account = enrolled();
    long id = account.getLong("account_id");
    String secret = account.getString("secret");
    byte[] sealed = (byte[]) scalar("select secret_sealed from auth.totp_factors where account_id = ?", id);
    String dumped = new String(sealed, StandardCharsets.ISO_8859_1);
    assertFalse(dumped.contains(secret), "not the base32 secret");
    assertFalse(Base64.getEncoder().encodeToString(sealed).contains(secret));
    assertNotEquals(0, sealed.length);
    assertEquals(0, count("select count(*) from auth.totp_factors where position(convert_to(?, 'UTF8') in secret_sealed) > 0", secret));
  }

  @Test
  void removingTotpTakesThePasswordAndEndsTheSecondStep() {
    JsonObject account = enrolled();
    long id = account.getLong("account_id");
    assertFails(400, TwoFactorService.WRONG_PASSWORD, Addresses.AUTH_TOTP_REMOVE, new JsonObject().put("password", "nope nope nope"), as(id));
    call(Addresses.AUTH_TOTP_REMOVE, new JsonObject().put("password", PASSWORD), as(id));
    assertNotNull(login(account.getString("email")).getString("browser_token"));
    assertEquals(0, data(Addresses.AUTH_TWO_FACTOR_STATUS, new JsonObject(), as(id)).getInteger("recovery_codes_left"));
    awaitEvent(Addresses.EVENT_AUDIT, e -> "account.totp.removed".equals(e.getString("event_type"))
        && e.getLong("account_id") == id);
  }

  @Test
  void newRecoveryCodesEndTheOldOnes() {
    JsonObject account = enrolled();
    long id = account.getLong("account_id");
    String old = account.getJsonArray("recovery_codes").getString(0);
    JsonArray fresh = data(Addresses.AUTH_RECOVERY_CODES, new JsonObject().put("password", PASSWORD), as(id))
        .getJsonArray("recovery_codes");
    assertEquals(10, fresh.size());
    String email = account.getString("email");
    assertFails(401, SecondStep.WRONG, Addresses.AUTH_SECOND_STEP, second(stepToken(email), "recovery_code", old), anon());
    assertEquals(id, data(Addresses.AUTH_SECOND_STEP, second(stepToken(email), "recovery_code", fresh.getString(0)), anon())
        .getLong("account_id"));
  }

  long admin() {
    long id = register().getLong("account_id");
    sql("update auth.accounts set admin_since = now() where id = ?", id);
    return id;
  }

  @Test
  void aPasswordResetRemovesTheSecondFactorsAndTheOwnerSeesIt() {
    JsonObject account = enrolled();
    long id = account.getLong("account_id");
    String link = data(Addresses.AUTH_ADMIN_PASSWORD_RESET, new JsonObject().put("account_id", id), as(admin()))
        .getString("reset_token");
    // until the owner uses the link, the factors stay
    assertTrue(data(Addresses.AUTH_TWO_FACTOR_STATUS, new JsonObject(), as(id)).getBoolean("totp"));
    String fresh = "a brand new reset password " + id;
    call(Addresses.AUTH_PASSWORD_RESET_COMPLETE, new JsonObject().put("token", link).put("password", fresh), anon());
    JsonObject status = data(Addresses.AUTH_TWO_FACTOR_STATUS, new JsonObject(), as(id));
    assertFalse(status.getBoolean("totp"), status.encode());
    assertEquals(0, status.getInteger("recovery_codes_left"));
    assertNotNull(status.getString("reset_at"), "the owner sees when the reset removed them");
    assertNotNull(data(Addresses.AUTH_LOGIN, new JsonObject().put("email", account.getString("email"))
        .put("password", fresh), anon()).getString("browser_token"), "the new password alone signs in");
    awaitEvent(Addresses.EVENT_AUDIT, e -> "account.second_factors_removed".equals(e.getString("event_type"))
        && e.getLong("account_id") == id);
  }

  @Test
  void anAdminsPasswordIsResetOnlyWithTheOperatorsCommand() {
    long other = admin();
    assertFails(403, dev.flamingo.sync.auth.admin.AdminService.ADMIN_RESET, Addresses.AUTH_ADMIN_PASSWORD_RESET,
        new JsonObject().put("account_id", other), as(admin()));
  }
}
