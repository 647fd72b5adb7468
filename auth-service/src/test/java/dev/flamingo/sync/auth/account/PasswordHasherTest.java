package dev.flamingo.sync.auth.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private static final Pattern PHC =
      Pattern.compile("^\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)$");

  private final PasswordHasher hasher = new PasswordHasher();

  @Test
  void hashIsArgon2idInPhcFormat() {
    String hash = hasher.hash("correct horse battery");
    Matcher m = PHC.matcher(hash);
    assertTrue(m.matches(), hash);
    assertEquals(16, Base64.getDecoder().decode(m.group(1)).length, "salt bytes");
    assertEquals(32, Base64.getDecoder().decode(m.group(2)).length, "hash bytes");
    assertFalse(m.group(1).contains("=") || m.group(2).contains("="), "PHC base64 has no padding");
  }

  @Test
  void verifiesTheRightPasswordOnly() {
    String hash = hasher.hash("correct horse battery");
    assertTrue(hasher.verify("correct horse battery", hash));
    assertFalse(hasher.verify("correct horse batterY", hash));
    assertFalse(hasher.verify("", hash));
  }

  @Test
  void unicodePasswordsRoundTrip() {
    String hash = hasher.hash("pässwörd-🔑-密码");
    assertTrue(hasher.verify("pässwörd-🔑-密码", hash));
    assertFalse(hasher.verify("password-🔑-密码", hash));
  }

  @Test
  void malformedHashNeverMatches() {
    String good = hasher.hash("secret-password");
    String[] parts = good.split("\\$");
    String[] malformed = {
        null,
        "",
        "plaintext",
        "secret-password",
        "$argon2i$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
        "$argon2id$v=16$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
        "$argon2id$v=19$m=19456,t=2$" + parts[4],
        "$argon2id$v=19$m=abc,t=2,p=1$" + parts[4] + "$" + parts[5],
        "$argon2id$v=19$m=19456,t=2,p=1,x=3$" + parts[4] + "$" + parts[5],
        "$argon2id$v=19$m=19456,t=2,p=1$!!notbase64!!$" + parts[5],
        "$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "$!!notbase64!!",
        "$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5] + "$extra",
        "$argon2id$v=19$m=19456,t=0,p=1$" + parts[4] + "$" + parts[5],
    };
    for (String phc : malformed) {
      assertFalse(hasher.verify("secret-password", phc), "must not match: " + phc);
    }
  }

  @Test
  void twoHashesOfOnePasswordDiffer() {
    String a = hasher.hash("same password");
    String b = hasher.hash("same password");
    assertNotEquals(a, b);
    assertNotEquals(a.split("\\$")[4], b.split("\\$")[4], "salts differ");
    assertTrue(hasher.verify("same password", a));
    assertTrue(hasher.verify("same password", b));
  }

  /**
   * The unknown-account path must do a real Argon2 verification (else a login reveals which e-mails have
   * accounts) and never match. Argon2 is memory-hard: one derivation with m=19456 fills 19 MiB of blocks,
   * so the bytes this thread allocates show that the derivation ran, with the real parameters, without
   * measuring time.
   */
  @Test
  void dummyVerificationRunsOneRealArgon2DerivationAndNeverMatches() {
    for (String password : new String[] {"whatever", "", "not a real password ", "pässwörd-🔑", "x".repeat(200)}) {
      assertFalse(hasher.verifyDummy(password), password);
    }
    String hash = hasher.hash("a real password");
    hasher.verify("warm up", hash);
    hasher.verifyDummy("warm up");
    long real = allocatedBy(() -> assertFalse(hasher.verify("wrong password", hash)));
    long dummy = allocatedBy(() -> assertFalse(hasher.verifyDummy("wrong password")));
    long argon2Memory = 19_456L * 1024;
    assertTrue(real >= argon2Memory, "a real verification fills Argon2's memory: " + real);
    assertTrue(dummy >= argon2Memory, "the dummy verification must run Argon2 with m=19456 too, allocated " + dummy);
    assertTrue(dummy < 2 * real, "one derivation, not several: " + dummy + " vs " + real);
  }

  private static long allocatedBy(Runnable work) {
    ThreadMXBean threads =
        (ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    long before = threads.getCurrentThreadAllocatedBytes();
    work.run();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }
}
