package dev.flamingo.sync.auth.account;

import dev.flamingo.sync.common.security.Tokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (BouncyCastle) in the PHC string format
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (OWASP's recommended minimum). CPU-heavy:
 * call it from a worker thread, never from an event loop.
 */
public final class PasswordHasher {
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final int memoryKiB;
  private final int iterations;
  private final int parallelism;
  /** Verified against when the account does not exist, so that timing does not tell. */
  private final String dummy;
  /** Where Argon2id takes its blocks from and returns them (null: new ones for each derivation). */
  private final Argon2BytesGenerator.BlockPool memory;

  public PasswordHasher() {
    this(19_456, 2, 1, null);
  }

  /** With the blocks of {@code memory} reused from one derivation to the next ({@link HashingGate#memory()}). */
  public PasswordHasher(Argon2BytesGenerator.BlockPool memory) {
    this(19_456, 2, 1, memory);
  }

  public PasswordHasher(int memoryKiB, int iterations, int parallelism) {
    this(memoryKiB, iterations, parallelism, null);
  }

  private PasswordHasher(int memoryKiB, int iterations, int parallelism, Argon2BytesGenerator.BlockPool memory) {
    this.memory = memory;
    this.memoryKiB = memoryKiB;
    this.iterations = iterations;
    this.parallelism = parallelism;
    this.dummy = hash("not a real password " + Tokens.randomHex(8));
  }

  public String hash(String password) {
    byte[] salt = Tokens.randomBytes(16);
    byte[] out = derive(password, salt, memoryKiB, iterations, parallelism, 32);
    return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism
        + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
  }

  /** True when {@code password} matches {@code phc}; a malformed hash never matches. */
  public boolean verify(String password, String phc) {
    String[] parts = phc == null ? new String[0] : phc.split("\\$");
    if (parts.length != 6 || !"argon2id".equals(parts[1]) || !"v=19".equals(parts[2])) {
      return false;
    }
    try {
      int[] mtp = parameters(parts[3]);
      byte[] salt = B64D.decode(parts[4]);
      byte[] expected = B64D.decode(parts[5]);
      byte[] actual = derive(password, salt, mtp[0], mtp[1], mtp[2], expected.length);
      return MessageDigest.isEqual(expected, actual);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Spends the same work as a real verification, for unknown accounts: one Argon2 derivation with this
   * hasher's parameters against a hash of a random password nobody knows, so it answers false.
   */
  public boolean verifyDummy(String password) {
    return verify(password, dummy);
  }

  /** This hasher's Argon2id parameters as stored beside a derived key: {@code m=19456,t=2,p=1}. */
  public String params() {
    return "m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism;
  }

  /**
   * A 32-byte key from the password (Argon2id with {@code params} as written by {@link #params()}): the key
   * that wraps the account key. Blocking and CPU-heavy like {@link #hash}.
   */
  public byte[] deriveKey(String password, byte[] salt, String params) {
    int[] mtp = parameters(params);
    return derive(password, salt, mtp[0], mtp[1], mtp[2], 32);
  }

  /** {m, t, p} from {@code m=…,t=…,p=…}; IllegalArgumentException for anything else. */
  private static int[] parameters(String params) {
    int[] mtp = new int[3];
    for (String kv : params.split(",")) {
      String[] pair = kv.split("=");
      if (pair.length != 2) {
        throw new IllegalArgumentException("Malformed Argon2 parameters");
      }
      int v = Integer.parseInt(pair[1]);
      switch (pair[0]) {
        case "m" -> mtp[0] = v;
        case "t" -> mtp[1] = v;
        case "p" -> mtp[2] = v;
        default -> throw new IllegalArgumentException("Unknown Argon2 parameter " + pair[0]);
      }
    }
    return mtp;
  }

  private byte[] derive(String password, byte[] salt, int m, int t, int p, int length) {
    Argon2Parameters.Builder builder = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(m).withIterations(t).withParallelism(p).withSalt(salt);
    Argon2Parameters params = (memory == null ? builder : builder.withBlockPool(memory)).build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
