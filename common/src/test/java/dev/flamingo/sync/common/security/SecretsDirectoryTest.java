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
}
