package dev.flamingo.sync.data.key;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.data.support.DataSettings;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the key-encryption keys come from: {@code FLAMINGO_KEK} (+ {@code _ID}, {@code _PREVIOUS}), or,
 * when FLAMINGO_KEK is unset, the file {@code <FLAMINGO_SECRETS_DIR>/kek} (created once, mode 0600).
 * Logs where a KEK came from, never the key. Blocking: run it on a worker.
 */
public final class KekSource {
  private static final Logger LOG = LoggerFactory.getLogger(KekSource.class);
  static final String FILE_NAME = "kek";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private KekSource() {}

  public static KeyWrapper load(Settings s) {
    String id = s.string(DataSettings.KEK_ID, "k1");
    String kek = s.string(DataSettings.KEK, null);
    String origin = DataSettings.KEK;
    if (kek == null) {
      String dir = s.string(Settings.SECRETS_DIR, null);
      if (dir == null) {
        throw new IllegalStateException("data-service needs a key-encryption key: set " + DataSettings.KEK
            + " (base64 of 32 bytes, e.g. openssl rand -base64 32) or " + Settings.SECRETS_DIR
            + " (a directory where the kek file is kept)");
      }
      Path file = Path.of(dir, FILE_NAME);
      kek = readOrCreate(file);
      origin = file.toString();
    }
    Map<String, byte[]> previous = new HashMap<>();
    for (String entry : s.list(DataSettings.KEK_PREVIOUS)) {
      int colon = entry.indexOf(':');
      if (colon < 1) {
        throw new IllegalStateException(DataSettings.KEK_PREVIOUS + " entries look like id:base64");
      }
      String previousId = entry.substring(0, colon);
      previous.put(previousId, decode(entry.substring(colon + 1), DataSettings.KEK_PREVIOUS + " (" + previousId + ")"));
    }
    return new KeyWrapper(id, decode(kek, origin), previous);
  }

  static byte[] decode(String base64, String origin) {
    byte[] kek;
    try {
      kek = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("The KEK in " + origin + " is not base64 (it must be base64 of 32 bytes)");
    }
    if (kek.length != 32) {
      throw new IllegalStateException("The KEK in " + origin + " must be base64 of 32 bytes, it is " + kek.length);
    }
    return kek;
  }

  /** The KEK in {@code file}; a new random one written there first when it does not exist. */
  static synchronized String readOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        LOG.info("Using the key-encryption key in {}", file);
        warnIfOpen(file);
        return Files.readString(file).trim();
      }
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      // written in full to a private temp file, then linked in place: a reader never sees half a key, and
      // when two nodes race to create it, both end up with the one that was linked first
      Path temp = Files.createTempFile(dir, ".kek-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      try {
        Files.writeString(temp, Base64.getEncoder().encodeToString(Tokens.randomBytes(32)) + "\n");
        Files.createLink(file, temp);
        LOG.info("Created the key-encryption key in {} (mode 0600): back it up with the database, "
            + "a backup is useless without it", file);
      } catch (FileAlreadyExistsException raced) {
        LOG.info("Using the key-encryption key in {} (created by another node)", file);
      } finally {
        Files.deleteIfExists(temp);
      }
      return Files.readString(file).trim();
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("Cannot read or create the KEK file " + file + ": " + e, e);
    }
  }

  private static void warnIfOpen(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(perms)) {
        LOG.warn("The KEK file {} is readable by others ({}); chmod 600 it", file, PosixFilePermissions.toString(perms));
      }
    } catch (IOException | UnsupportedOperationException ignored) {
      // not a POSIX file system: nothing to check
    }
  }
}
