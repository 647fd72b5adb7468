package dev.flamingo.sync.common.security;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The secrets directory is checked once, before any service starts, in one line naming the variable. */
class SecretsDirectoryTest {
  @Test
  void aDirectoryThatCannotBeMadeOrIsAFileIsNamed() throws Exception {
    Path file = Files.createTempFile("flamingo-secrets", ".txt");
    try {
      String m = assertThrows(IllegalStateException.class,
          () -> SecretFiles.checkDirectory(file.resolve("below-a-file"), "FLAMINGO_SECRETS_DIR")).getMessage();
      assertTrue(m.startsWith("FLAMINGO_SECRETS_DIR=" + file.resolve("below-a-file") + ": the directory cannot be created"), m);
      String f = assertThrows(IllegalStateException.class,
          () -> SecretFiles.checkDirectory(file, "FLAMINGO_SECRETS_DIR")).getMessage();
      assertTrue(f.startsWith("FLAMINGO_SECRETS_DIR=" + file + ": "), f);
    } finally {
      Files.deleteIfExists(file);
    }
    Path fresh = Files.createTempDirectory("flamingo-secrets").resolve("new");
    SecretFiles.checkDirectory(fresh, "FLAMINGO_SECRETS_DIR");
    assertTrue(Files.isDirectory(fresh), "made when missing");
  }

  @Test
  void aReadOnlyDirectoryThatHoldsEverySecretIsAcceptedAndOneThatMustGrowIsNot() throws Exception {
    Path dir = Files.createTempDirectory("flamingo-secrets-ro");
    Files.writeString(dir.resolve("jwt-secret"), "x".repeat(64));
    Files.writeString(dir.resolve("kek"), "k");
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
    boolean immutable = false;
    try {
      if (Files.isWritable(dir)) { // root: the mode does not stop it, the immutable flag does
        immutable = new ProcessBuilder("chattr", "+i", dir.toString()).inheritIO().start().waitFor() == 0;
      }
      org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(dir), "cannot make a read-only directory here");
      SecretFiles.checkDirectory(dir, "FLAMINGO_SECRETS_DIR", java.util.List.of("jwt-secret", "kek"));
      String m = assertThrows(IllegalStateException.class, () -> SecretFiles.checkDirectory(dir,
          "FLAMINGO_SECRETS_DIR", java.util.List.of("jwt-secret", "kek", "missing"))).getMessage();
      assertTrue(m.contains("not a writable directory"), m);
    } finally {
      if (immutable) {
        new ProcessBuilder("chattr", "-i", dir.toString()).inheritIO().start().waitFor();
      }
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }
}
