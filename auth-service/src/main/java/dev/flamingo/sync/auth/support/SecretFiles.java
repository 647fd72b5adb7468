package dev.flamingo.sync.auth.support;

import dev.flamingo.sync.common.security.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A secret kept in a file of the secrets directory: read it, or create it once with 0600 permissions. */
public final class SecretFiles {
  private static final Logger LOG = LoggerFactory.getLogger(SecretFiles.class);

  private SecretFiles() {}

  /** Blocking. The secret's value is never logged, only where it lives. */
  public static synchronized String readOrCreateHex(Path file, int bytes) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      String secret = Tokens.randomHex(bytes);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
      LOG.info("Created a new secret in {} (keep it, and back it up with the database)", file);
      return secret;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read or create the secret file " + file + ": " + e.getMessage(), e);
    }
  }
}
