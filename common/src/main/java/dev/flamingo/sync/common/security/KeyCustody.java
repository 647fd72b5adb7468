package dev.flamingo.sync.common.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key-custody primitives shared by the gateway, auth-service and data-service (the scheme:
 * docs/threat-model.md, "Key custody"). Every account has a random 32-byte <b>account key</b> (AK) with an id; the master key is
 * stored wrapped under it, and AK itself is stored only wrapped under a key the server does not keep:
 * one derived from the password (Argon2id, in auth-service) or from a raw token (a session's, or a
 * claimed temp token's, with {@link #grantKey}). A <b>grant</b> is AK and its id sealed under such a key.
 *
 * <p>Sealing is AES-256-GCM with a fresh 12-byte IV ({@code iv || ciphertext || tag}) and associated data
 * naming the purpose and the account, so that a sealed value copied to another row or account does not
 * open. Arrays holding key material should be wiped ({@link #wipe}) once used.
 */
public final class KeyCustody {
  private KeyCustody() {}

  public static final int KEY_BYTES = 32;
  private static final int IV_BYTES = 12;
  private static final byte[] GRANT_SALT = "flamingo-sync key grant v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GRANT_INFO = "account key grant".getBytes(StandardCharsets.US_ASCII);
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  /** A sealed value did not open: wrong key, or a value that was tampered with or moved. */
  public static final class SealBroken extends RuntimeException {
    SealBroken() {
      super("the sealed value does not open with this key");
    }
  }

  /** An account key and its id (a new id after a password reset). */
  public record AccountKey(UUID id, byte[] key) {
    public String keyBase64() {
      return B64.encodeToString(key);
    }

    public void wipe() {
      KeyCustody.wipe(key);
    }
  }

  /** A fresh random account key with a fresh id. */
  public static AccountKey newAccountKey() {
    return new AccountKey(UUID.randomUUID(), Tokens.randomBytes(KEY_BYTES));
  }

  /**
   * The key that seals a grant for a raw token (session or temp token): HKDF-SHA256 with a fixed salt
   * and info. Independent of the SHA-256 of the token that the database stores, so a stolen database
   * does not give it.
   */
  public static byte[] grantKey(String rawToken) {
    byte[] ikm = rawToken.getBytes(StandardCharsets.US_ASCII);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(GRANT_SALT, "HmacSHA256"));
      byte[] prk = mac.doFinal(ikm);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      mac.update(GRANT_INFO);
      mac.update((byte) 1);
      byte[] okm = mac.doFinal();
      wipe(prk);
      return okm; // 32 bytes: one HKDF block
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    } finally {
      wipe(ikm);
    }
  }

  /** {@link #grantKey} as base64, the form it crosses the bus in. */
  public static String grantKeyBase64(String rawToken) {
    byte[] key = grantKey(rawToken);
    try {
      return B64.encodeToString(key);
    } finally {
      wipe(key);
    }
  }

  /** A 32-byte key from base64, or null when the value is absent or not such a key. */
  public static byte[] keyFromBase64(Object value) {
    if (!(value instanceof String s) || s.length() != 44) {
      return null;
    }
    try {
      byte[] key = B64D.decode(s);
      return key.length == KEY_BYTES ? key : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A grant: AK and its id sealed under {@code sealingKey} (from a raw token) for this account. */
  public static byte[] sealGrant(byte[] sealingKey, long account, AccountKey ak) {
    return sealAccountKey(sealingKey, "grant", account, ak);
  }

  /** Opens a grant; {@link SealBroken} when the key is not the one it was sealed under. */
  public static AccountKey openGrant(byte[] sealingKey, long account, byte[] grant) {
    return openAccountKey(sealingKey, "grant", account, grant);
  }

  /** AK and its id sealed under {@code sealingKey} for {@code purpose} ("grant", "password") and this account. */
  public static byte[] sealAccountKey(byte[] sealingKey, String purpose, long account, AccountKey ak) {
    byte[] plain = ByteBuffer.allocate(16 + KEY_BYTES)
        .putLong(ak.id().getMostSignificantBits()).putLong(ak.id().getLeastSignificantBits()).put(ak.key()).array();
    try {
      return seal(sealingKey, plain, aad(purpose, account));
    } finally {
      wipe(plain);
    }
  }

  public static AccountKey openAccountKey(byte[] sealingKey, String purpose, long account, byte[] sealed) {
    byte[] plain = open(sealingKey, sealed, aad(purpose, account));
    try {
      ByteBuffer b = ByteBuffer.wrap(plain);
      UUID id = new UUID(b.getLong(), b.getLong());
      byte[] key = new byte[KEY_BYTES];
      b.get(key);
      return new AccountKey(id, key);
    } finally {
      wipe(plain);
    }
  }

  /** The master key sealed under the account key (the inner layer; data-service adds the KEK outside). */
  public static byte[] sealMasterKey(AccountKey ak, long account, byte[] masterKey) {
    return seal(ak.key(), masterKey, aad("master-key|" + ak.id(), account));
  }

  public static byte[] openMasterKey(AccountKey ak, long account, byte[] sealed) {
    return open(ak.key(), sealed, aad("master-key|" + ak.id(), account));
  }

  /** AES-256-GCM: {@code iv || ciphertext || tag}. */
  public static byte[] seal(byte[] key, byte[] plain, byte[] aad) {
    byte[] iv = Tokens.randomBytes(IV_BYTES);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
      cipher.updateAAD(aad);
      byte[] ct = cipher.doFinal(plain);
      byte[] out = Arrays.copyOf(iv, IV_BYTES + ct.length);
      System.arraycopy(ct, 0, out, IV_BYTES, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  public static byte[] open(byte[] key, byte[] sealed, byte[] aad) {
    if (sealed == null || sealed.length < IV_BYTES + 16) {
      throw new SealBroken();
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, 0, IV_BYTES));
      cipher.updateAAD(aad);
      return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
    } catch (AEADBadTagException e) {
      throw new SealBroken();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** Associated data: purpose and account, so that a sealed value opens only where it was made. */
  public static byte[] aad(String purpose, long account) {
    return ("flamingo-sync|" + purpose + "|" + account).getBytes(StandardCharsets.US_ASCII);
  }

  public static void wipe(byte[] bytes) {
    if (bytes != null) {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
