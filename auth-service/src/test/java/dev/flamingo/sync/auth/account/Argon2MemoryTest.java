package dev.flamingo.sync.auth.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Argon2id's 19 MiB of blocks reused from one derivation to the next, within the gate's bound. */
class Argon2MemoryTest {
  @Test
  void aSecondDerivationReusesTheFirstOnesBlocks() {
    PasswordHasher hasher = new PasswordHasher(new Argon2Memory(Argon2Memory.blocksFor(1)));
    String hash = hasher.hash("a real password"); // the blocks are made once, here
    hasher.verify("warm up", hash);
    long allocated = allocatedBy(() -> assertTrue(hasher.verify("a real password", hash)));
    assertTrue(allocated < 1024 * 1024, "a verification after the first reuses its 19 MiB of blocks, allocated "
        + allocated + " bytes");
  }

  @Test
  void itKeepsNoMoreBlocksThanItsBound() {
    Argon2Memory memory = new Argon2Memory(100);
    new PasswordHasher(memory).hash("a password");
    assertEquals(100, memory.kept(), "kept blocks");
  }

  @Test
  void theBoundIsOneDerivationsBlocksPerConcurrentRun() {
    assertTrue(Argon2Memory.blocksFor(2) >= 2 * 19_456);
    assertTrue(Argon2Memory.blocksFor(2) < 2 * 19_456 + 64);
  }

  private static long allocatedBy(Runnable work) {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    work.run();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }
}
