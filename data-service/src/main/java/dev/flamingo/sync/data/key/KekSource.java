package dev.flamingo.sync.data.key;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.SecretFiles;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.data.support.DataSettings;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the key-encryption keys come from: {@code FLAMINGO_KEK} (+ {@code _ID}, {@code _PREVIOUS}), or,
 * when FLAMINGO_KEK is unset, the file {@code <FLAMINGO_SECRETS_DIR>/kek} (created once, mode 0600).
 * Logs where a KEK came from, never the key. Blocking: run it on a worker.
 */
public final class KekSource {
  static final String FILE_NAME = "kek";

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
      kek = SecretFiles.readOrCreate(file, "key-encryption key",
          () -> Base64.getEncoder().encodeToString(Tokens.randomBytes(32)));
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
}
