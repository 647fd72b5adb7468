package dev.flamingo.sync.data.key;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.data.support.DataSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts account master keys at rest: AES-256-GCM under the server's key-encryption key (KEK), a
 * fresh 12-byte IV per row, the account id as associated data (a row copied to another account does
 * not decrypt). Older KEKs stay readable (by id) until every row is re-wrapped.
 */
public final class KeyWrapper {
  private static final Logger LOG = LoggerFactory.getLogger(KeyWrapper.class);

  /** A wrapped key as stored. */
  public record Wrapped(byte[] ciphertext, byte[] iv, String kekId) {}

  private final String currentId;
  private final Map<String, byte[]> keks;

  public KeyWrapper(String currentId, byte[] current, Map<String, byte[]> previous) {
    if (current.length != 32) {
      throw new IllegalArgumentException("The KEK must be 32 bytes");
    }
    this.currentId = currentId;
    this.keks = new HashMap<>(previous);
    this.keks.put(currentId, current);
  }

  /** From config: FLAMINGO_KEK (+ _ID, _PREVIOUS), or a kek file in FLAMINGO_SECRETS_DIR (created once). Blocking. */
  public static KeyWrapper fromSettings(Settings s) {
    String id = s.string(DataSettings.KEK_ID, "k1");
    String kek = s.string(DataSettings.KEK, null);
    if (kek == null) {
      String dir = s.string(Settings.SECRETS_DIR, null);
      if (dir == null) {
        throw new IllegalStateException("Set " + DataSettings.KEK + " (base64 of 32 bytes) or " + Settings.SECRETS_DIR);
      }
      kek = readOrCreate(Path.of(dir, "kek"));
    }
    Map<String, byte[]> previous = new HashMap<>();
    for (String entry : s.list(DataSettings.KEK_PREVIOUS)) {
      int colon = entry.indexOf(':');
      if (colon < 1) {
        throw new IllegalStateException(DataSettings.KEK_PREVIOUS + " entries look like id:base64");
      }
      previous.put(entry.substring(0, colon), decode(entry.substring(colon + 1)));
    }
    return new KeyWrapper(id, decode(kek), previous);
  }

  public String currentId() {
    return currentId;
  }

  public Wrapped wrap(long account, byte[] key) {
    byte[] iv = Tokens.randomBytes(12);
    return new Wrapped(crypt(Cipher.ENCRYPT_MODE, keks.get(currentId), iv, account, key), iv, currentId);
  }

  public byte[] unwrap(long account, Wrapped wrapped) {
    byte[] kek = keks.get(wrapped.kekId());
    if (kek == null) {
      throw new IllegalStateException("The key of account " + account + " is wrapped with KEK '" + wrapped.kekId()
          + "', which is not configured (add it to " + DataSettings.KEK_PREVIOUS + ")");
    }
    return crypt(Cipher.DECRYPT_MODE, kek, wrapped.iv(), account, wrapped.ciphertext());
  }

  private static byte[] crypt(int mode, byte[] kek, byte[] iv, long account, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, iv));
      cipher.updateAAD(Long.toString(account).getBytes(StandardCharsets.US_ASCII));
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Key wrapping failed for account " + account, e);
    }
  }

  private static byte[] decode(String base64) {
    byte[] kek;
    try {
      kek = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("A KEK must be base64 of 32 bytes");
    }
    if (kek.length != 32) {
      throw new IllegalStateException("A KEK must be base64 of 32 bytes, this one is " + kek.length);
    }
    return kek;
  }

  private static synchronized String readOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file).trim();
      }
      Files.createDirectories(file.getParent());
      String kek = Base64.getEncoder().encodeToString(Tokens.randomBytes(32));
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, kek + "\n");
      LOG.info("Created the key-encryption key in {}: back it up with the database, a backup is useless without it", file);
      return kek;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read or create the KEK file " + file + ": " + e.getMessage(), e);
    }
  }
}
