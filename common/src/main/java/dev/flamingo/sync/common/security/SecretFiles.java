package dev.flamingo.sync.common.security;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server secret kept in a file of the secrets directory (the JWT key, the key-encryption key): read
 * it, or create it once with mode 0600. Logs where the secret lives, never its value. Blocking.
 */
public final class SecretFiles {
  private static final Logger LOG = LoggerFactory.getLogger(SecretFiles.class);
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private SecretFiles() {}

  /** The secret in {@code file}; a new one from {@code create} written there first when it does not exist. */
  public static synchronized String readOrCreate(Path file, String what, Supplier<String> create) {
    try {
      if (Files.exists(file)) {
        LOG.info("Using the {} in {}", what, file);
        warnIfOpen(file, what);
        return Files.readString(file).trim();
      }
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      // written in full to a private temp file, then linked in place: a reader never sees half a secret,
      // and when two nodes race to create it, both end up with the one that was linked first
      Path temp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      try {
        Files.writeString(temp, create.get() + "\n");
        Files.createLink(file, temp);
        LOG.info("Created the {} in {} (mode 0600): back it up with the database", what, file);
      } catch (FileAlreadyExistsException raced) {
        LOG.info("Using the {} in {} (created by another node)", what, file);
      } finally {
        Files.deleteIfExists(temp);
      }
      return Files.readString(file).trim();
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("Cannot read or create the " + what + " file " + file + ": " + e, e);
    }
  }

  /**
   * Checks, before any service starts, that the secrets directory exists or can be made and is writable: a
   * one-line {@link IllegalStateException} naming {@code variable} otherwise (rather than each service failing
   * on its own secret at once).
   */
  public static void checkDirectory(Path dir, String variable) {
    checkDirectory(dir, variable, null);
  }

  /**
   * As {@link #checkDirectory(Path, String)}, but a directory that already holds every file of {@code files}
   * (the secrets the server would read there) is accepted read-only: write access is needed only when something
   * must be created. {@code files} null: write access is always needed.
   */
  public static void checkDirectory(Path dir, String variable, java.util.Collection<String> files) {
    if (files != null && Files.isDirectory(dir) && files.stream().allMatch(f -> Files.isReadable(dir.resolve(f)))) {
      return; // nothing to create
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException(variable + "=" + dir + ": the directory cannot be created (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
    if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
      throw new IllegalStateException(variable + "=" + dir + ": not a writable directory (the server keeps its "
          + "secrets there: make it writable for this user, or set the secrets by environment)");
    }
  }

  private static void warnIfOpen(Path file, String what) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(perms)) {
        LOG.warn("The {} file {} is readable by others ({}); chmod 600 it", what, file, PosixFilePermissions.toString(perms));
      }
    } catch (IOException | UnsupportedOperationException ignored) {
      // not a POSIX file system: nothing to check
    }
  }
}
