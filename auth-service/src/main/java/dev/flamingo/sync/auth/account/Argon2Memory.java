package dev.flamingo.sync.auth.account;

import java.util.ArrayDeque;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * Argon2id's memory (19,456 blocks of 1 KiB for m=19456), kept between derivations instead of allocated anew
 * for each: BouncyCastle takes its blocks from here and hands them back, zeroed, when a derivation ends. At most
 * {@code max} blocks are kept ({@link #blocksFor} the gate's concurrency: what the concurrent runs hold anyway),
 * so a storm of sign-ups, sign-ins or claims allocates no new 19 MiB a hash, and the young collections that
 * copied those short-lived megabytes into the old generation (then full collections at the default 256 MiB
 * heap) no longer happen.
 */
public final class Argon2Memory implements Argon2BytesGenerator.BlockPool {
  /** Blocks of one derivation at this server's cost (m=19456 KiB) plus the few a derivation fills with. */
  private static final int BLOCKS_PER_RUN = 19_456 + 8;
  /** What one kept block costs on the heap: 1 KiB of longs and the two objects' headers. */
  static final long BLOCK_BYTES = 1024 + 48;

  private final int max;
  private final ArrayDeque<Argon2BytesGenerator.Block> kept = new ArrayDeque<>();

  public Argon2Memory(int max) {
    this.max = Math.max(0, max);
  }

  /** The blocks {@code concurrentRuns} derivations at once take. */
  public static int blocksFor(int concurrentRuns) {
    return Math.max(1, concurrentRuns) * BLOCKS_PER_RUN;
  }

  @Override
  public Argon2BytesGenerator.Block allocate() {
    synchronized (kept) {
      Argon2BytesGenerator.Block block = kept.pollLast();
      if (block != null) {
        return block;
      }
    }
    return new Argon2BytesGenerator.Block();
  }

  @Override
  public void deallocate(Argon2BytesGenerator.Block block) {
    synchronized (kept) {
      if (kept.size() < max) {
        kept.addLast(block);
      }
    }
  }

  /** How many blocks it keeps now. */
  int kept() {
    synchronized (kept) {
      return kept.size();
    }
  }
}
