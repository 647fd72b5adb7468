package dev.flamingo.sync.auth.account;

import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;

/**
 * The one way to run Argon2id (each run takes 19 MiB and a core for tens of milliseconds): at most
 * {@code concurrency} runs at once in this process (default: the number of cores), at most {@code queue}
 * more waiting (default: twice the cores), and any further one refused at once with 503 and
 * {@code Retry-After} ({@link #BUSY}). So a storm of sign-ups, sign-ins or claims costs a bounded amount of
 * memory and leaves the worker pool and the other cores to everything else. One gate per Vert.x instance,
 * shared by every auth-service verticle in it (the first one's settings count). Its {@link #memory()} keeps the
 * blocks of the runs it lets through for the next ones, so a storm does not allocate 19 MiB a hash.
 */
public final class HashingGate implements Shareable {
  public static final String BUSY = "The server is busy, try again shortly";
  static final long RETRY_AFTER_SECONDS = 2;
  private static final String MAP = "flamingo.auth";
  private static final String KEY = "hashing-gate";

  private final Vertx vertx;
  private final int concurrency;
  private final int queue;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private final Argon2Memory memory;
  private int running;

  HashingGate(Vertx vertx, int concurrency, int queue) {
    this.vertx = vertx;
    this.concurrency = Math.max(1, concurrency);
    this.queue = Math.max(0, queue);
    // the blocks of `concurrency` runs (what they hold at once anyway), but never more than a quarter of the heap
    long quarterHeap = Runtime.getRuntime().maxMemory() / 4 / Argon2Memory.BLOCK_BYTES;
    this.memory = new Argon2Memory((int) Math.min(Argon2Memory.blocksFor(this.concurrency), quarterHeap));
  }

  /** Argon2id's memory for the runs through this gate: give it to the {@link PasswordHasher}s that run here. */
  public Argon2Memory memory() {
    return memory;
  }

  /** The gate of {@code vertx}, made with {@code settings} (FLAMINGO_HASHING_CONCURRENCY, _QUEUE) if it has none yet. */
  public static HashingGate of(Vertx vertx, Settings settings) {
    int concurrency = settings.integer(Setting.HASHING_CONCURRENCY);
    int queue = settings.integer(Setting.HASHING_QUEUE);
    LocalMap<String, HashingGate> map = vertx.sharedData().getLocalMap(MAP);
    HashingGate made = new HashingGate(vertx, concurrency, queue);
    HashingGate had = map.putIfAbsent(KEY, made);
    return had == null ? made : had;
  }

  /** The gate of {@code vertx}, with the defaults if it has none yet (e.g. the operator's reset command). */
  public static HashingGate of(Vertx vertx) {
    return of(vertx, new Settings(null));
  }

  /**
   * Runs {@code work} (Argon2id, blocking) on a worker when a place is free, its result on the caller's
   * context; fails at once with 503 {@link #BUSY} and {@code Retry-After} when every place and the queue are
   * taken.
   */
  public <T> Future<T> run(Callable<T> work) {
    Context context = vertx.getOrCreateContext();
    Promise<T> result = Promise.promise();
    Runnable start = () -> context.executeBlocking(work, false).onComplete(ar -> {
      release();
      result.handle(ar);
    });
    synchronized (this) {
      if (running >= concurrency) {
        if (waiting.size() >= queue) {
          return Future.failedFuture(ServiceException.busy(BUSY, RETRY_AFTER_SECONDS));
        }
        waiting.add(start);
        return result.future();
      }
      running++;
    }
    start.run();
    return result.future();
  }

  /** Hands the place of a finished run to the next waiting one, or frees it. */
  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        running--;
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
