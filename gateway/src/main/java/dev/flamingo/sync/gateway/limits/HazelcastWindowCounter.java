package dev.flamingo.sync.gateway.limits;

import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.flamingo.sync.common.cluster.WindowIncrement;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Window counters shared by every gateway of the cluster: one Hazelcast map, each increment one
 * {@link WindowIncrement} run atomically on the member that owns the key (one round trip). Entries
 * expire with their window; a per-member size cap (LRU) bounds memory even under a flood of keys. Each limit (the
 * text of a key before its first ':') has its own map {@code MAP.<limit>} with its own cap, so a flood of one
 * limit's subjects (many client addresses) never evicts another limit's counts (the failed logins of one e-mail).
 * Keys are hashes (see {@link RateLimiter}): Hazelcast's own traffic is not encrypted.
 */
public final class HazelcastWindowCounter implements WindowCounter {
  public static final String MAP = "flamingo.rate-limits.v1";
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastWindowCounter.class);

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final Map<String, IMap<String, Long>> maps = new ConcurrentHashMap<>();

  public HazelcastWindowCounter(Vertx vertx, int maxEntriesPerMember) {
    this.vertx = vertx;
    this.hz = instance(vertx);
    configure(hz, maxEntriesPerMember);
  }

  /** The Hazelcast member under a clustered Vert.x. */
  public static HazelcastInstance instance(Vertx vertx) {
    if (((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager manager) {
      return manager.getHazelcastInstance();
    }
    throw new IllegalStateException("not a Hazelcast-clustered Vert.x");
  }

  @Override
  public Future<Long> add(String key, long delta, long ttlMillis) {
    var context = vertx.getOrCreateContext();
    try {
      IMap<String, Long> map = maps.computeIfAbsent(LocalWindowCounter.limitOf(key), l -> hz.getMap(map(l)));
      return Future.fromCompletionStage(map.submitToKey(key, new WindowIncrement(delta, ttlMillis)), context);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The map of one limit's counters. */
  public static String map(String limit) {
    return MAP + "." + limit;
  }

  /**
   * A counter lost with a member only lets a few more requests through, so no synchronous backup
   * (which would double the cost of every count); one asynchronous backup keeps most of them.
   */
  private static void configure(HazelcastInstance hz, int maxEntriesPerMember) {
    MapConfig config = new MapConfig(MAP + ".*")
        .setBackupCount(0)
        .setAsyncBackupCount(1)
        .setPerEntryStatsEnabled(false)
        .setEvictionConfig(new EvictionConfig()
            .setEvictionPolicy(EvictionPolicy.LRU)
            .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
            .setSize(maxEntriesPerMember));
    try {
      hz.getConfig().addMapConfig(config);
    } catch (RuntimeException e) {
      // another gateway added a different one (an older or newer release): keep it
      LOG.warn("Rate-limit map config not applied: {}", e.getMessage());
    }
  }
}
