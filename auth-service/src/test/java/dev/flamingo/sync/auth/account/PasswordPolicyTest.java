package dev.flamingo.sync.auth.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.bus.ServiceException;
import org.junit.jupiter.api.Test;

/** The rule for a new password (ASVS 2.1.1, 2.1.7): 12 to 1024 characters and not easy to guess (zxcvbn). */
class PasswordPolicyTest {
  static final String EMAIL = "alice@example.com";

  static ServiceException refused(String password, String email) {
    ServiceException e = assertThrows(ServiceException.class, () -> AccountService.checkNewPassword(password, email));
    assertEquals(400, e.status());
    return e;
  }

  @Test
  void twelveCharactersAtLeastAnd1024AtMost() {
    assertEquals("Password must be at least 12 characters", refused("Kq7#vWz!pL2", EMAIL).getMessage());
    assertEquals("Password must be at least 12 characters", refused(null, EMAIL).getMessage());
    assertEquals("Password must be at most 1024 characters", refused("Tr0ub4dor&3-wide-orbit".repeat(47), EMAIL).getMessage());
    AccountService.checkNewPassword("Kq7#vWz!pL2m", EMAIL); // 12 random characters
    AccountService.checkNewPassword("Tr0ub4dor&3-wide-orbit ".repeat(44), EMAIL); // 1012: only the start is scored
  }

  @Test
  void commonAndGuessablePasswordsAreRefusedWithTheReason() {
    assertEquals("Password is too easy to guess: This is a very common password.",
        refused("password1234", EMAIL).getMessage());
    assertTrue(refused("Password123!", EMAIL).getMessage().startsWith("Password is too easy to guess: "));
    assertTrue(refused("qwertyuiopas", EMAIL).getMessage().startsWith("Password is too easy to guess: "));
    assertTrue(refused("passwordpassword", EMAIL).getMessage().startsWith("Password is too easy to guess: "));
  }

  @Test
  void theEmailCountsAsKnownToAnAttacker() {
    assertEquals("Password is too easy to guess: It contains your e-mail address or a part of it.",
        refused("alice@example.com2024", EMAIL).getMessage());
    refused("Alice@Example.com!", "alice@example.com");
    assertNull(PasswordPolicy.problem("alice@example.com2024", "bob@example.org"), "strong for anyone else");
  }

  @Test
  void strongPasswordsPass() {
    for (String p : new String[] {"correct horse battery", "correct horse battery staple 42", "Tr0ub4dor&3-wide-orbit",
        "wide orbit lantern " + EMAIL}) {
      assertNull(PasswordPolicy.problem(p, EMAIL), p);
    }
  }
}
