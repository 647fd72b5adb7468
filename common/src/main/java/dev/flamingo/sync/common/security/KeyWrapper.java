package dev.flamingo.sync.common.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts account master keys at rest: AES-256-GCM under the server's key-encryption key (KEK), a
 * fresh 12-byte IV per row, the account id as associated data (a row copied to another account does
 * not decrypt). Older KEKs stay readable (by id) until every row is re-wrapped.
 */
public final class KeyWrapper {
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

  public String currentId() {
    return currentId;
  }

  /** Whether rows wrapped under {@code kekId} can be read (it is the current or a previous KEK). */
  public boolean knows(String kekId) {
    return keks.containsKey(kekId);
  }

  public Wrapped wrap(long account, byte[] key) {
    return wrap(null, account, key);
  }

  public byte[] unwrap(long account, Wrapped wrapped) {
    return unwrap(null, account, wrapped);
  }

  /**
   * Seals another per-account secret ({@code purpose}, e.g. "totp", is part of the associated data, so a row of one
   * kind moved into another's place does not open).
   */
  public Wrapped wrap(String purpose, long account, byte[] key) {
    byte[] iv = Tokens.randomBytes(12);
    return new Wrapped(crypt(Cipher.ENCRYPT_MODE, keks.get(currentId), iv, aad(purpose, account), key), iv, currentId);
  }

  public byte[] unwrap(String purpose, long account, Wrapped wrapped) {
    byte[] kek = keks.get(wrapped.kekId());
    if (kek == null) {
      throw new IllegalStateException("The key of account " + account + " is wrapped with KEK '" + wrapped.kekId()
          + "', which is not configured (add it to FLAMINGO_KEK_PREVIOUS)");
    }
    return crypt(Cipher.DECRYPT_MODE, kek, wrapped.iv(), aad(purpose, account), wrapped.ciphertext());
  }

  private static String aad(String purpose, long account) {
    return purpose == null ? Long.toString(account) : purpose + ":" + account;
  }

  private static byte[] crypt(int mode, byte[] kek, byte[] iv, String aad, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, iv));
      cipher.updateAAD(aad.getBytes(StandardCharsets.US_ASCII));
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Key wrapping failed (" + aad + ")", e);
    }
  }
}
