package dev.flamingo.sync.common.security;

import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the key-encryption keys come from: {@code FLAMINGO_KEK} (+ {@code _ID}, {@code _PREVIOUS}), or,
 * when FLAMINGO_KEK is unset, the file {@code <FLAMINGO_SECRETS_DIR>/kek} (created once, mode 0600) with
 * its id in {@code kek-id} when FLAMINGO_KEK_ID is unset; older KEKs may also be kept in {@code kek-previous}
 * (that is how bin/backup and bin/restore carry them).
 * Logs where a KEK came from, never the key. Blocking: run it on a worker.
 */
public final class KekSource {
  static final String FILE_NAME = "kek";
  /** The id of the KEK in the kek file (when FLAMINGO_KEK_ID is unset); written by bin/restore. */
  static final String ID_FILE_NAME = "kek-id";
  /** Older KEKs, {@code id:base64} separated by commas or newlines, added to FLAMINGO_KEK_PREVIOUS's. */
  static final String PREVIOUS_FILE_NAME = "kek-previous";

  private KekSource() {}

  public static KeyWrapper load(Settings s) {
    String id = s.configured(Setting.KEK_ID);
    String kek = s.configured(Setting.KEK);
    String origin = Settings.KEK;
    String dir = s.string(Setting.SECRETS_DIR);
    if (kek == null) {
      if (dir == null) {
        throw new IllegalStateException("This service needs a key-encryption key: set " + Settings.KEK
            + " (base64 of 32 bytes, e.g. openssl rand -base64 32) or " + Settings.SECRETS_DIR
            + " (a directory where the kek file is kept)");
      }
      Path file = Path.of(dir, FILE_NAME);
      kek = SecretFiles.readOrCreate(file, "key-encryption key",
          () -> Base64.getEncoder().encodeToString(Tokens.randomBytes(32)));
      origin = file.toString();
      if (id == null) {
        id = readIfPresent(Path.of(dir, ID_FILE_NAME)); // the id that goes with the kek file (bin/restore puts it there)
      }
    }
    Map<String, byte[]> previous = new HashMap<>();
    if (dir != null) {
      String saved = readIfPresent(Path.of(dir, PREVIOUS_FILE_NAME));
      if (saved != null) {
        parsePrevious(List.of(saved.split("[,\\s]+")), PREVIOUS_FILE_NAME, previous);
      }
    }
    parsePrevious(s.list(Setting.KEK_PREVIOUS), Settings.KEK_PREVIOUS, previous);
    return new KeyWrapper(id == null ? s.string(Setting.KEK_ID) : id, decode(kek, origin), previous);
  }

  private static void parsePrevious(List<String> entries, String origin, Map<String, byte[]> into) {
    for (String entry : entries) {
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.indexOf(':');
      if (colon < 1) {
        throw new IllegalStateException(origin + " entries look like id:base64");
      }
      String previousId = entry.substring(0, colon);
      into.put(previousId, decode(entry.substring(colon + 1), origin + " (" + previousId + ")"));
    }
  }

  /** The trimmed content of {@code file}, or null when it does not exist or is blank. */
  private static String readIfPresent(Path file) {
    try {
      if (!Files.exists(file)) {
        return null;
      }
      String text = Files.readString(file).trim();
      return text.isEmpty() ? null : text;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + file + ": " + e.getMessage(), e);
    }
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
}
