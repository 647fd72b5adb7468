package dev.flamingo.sync.common.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Adds {@code delta} to a counter in a Hazelcast map, atomically on the member that owns the key, and
 * returns the new count. A new entry lives {@code ttlMillis}; updates keep that expiry, so a counter
 * for one time window disappears by itself when the window is over. A negative delta never creates an
 * entry (a refund for a window that is already gone). It lives in {@code common} because every member
 * of the cluster runs it on the partitions it owns, so every node must have the class.
 */
public final class WindowIncrement implements EntryProcessor<String, Long, Long>, DataSerializable {
  private long delta;
  private long ttlMillis;

  public WindowIncrement() {
    // for deserialization
  }

  public WindowIncrement(long delta, long ttlMillis) {
    this.delta = delta;
    this.ttlMillis = ttlMillis;
  }

  @Override
  public Long process(Map.Entry<String, Long> entry) {
    Long current = entry.getValue();
    if (current == null) {
      if (delta <= 0) {
        return 0L;
      }
      ((ExtendedMapEntry<String, Long>) entry).setValue(delta, ttlMillis, TimeUnit.MILLISECONDS);
      return delta;
    }
    long next = current + delta;
    ((ExtendedMapEntry<String, Long>) entry).setValueWithoutChangingExpiryTime(next);
    return next;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(delta);
    out.writeLong(ttlMillis);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    delta = in.readLong();
    ttlMillis = in.readLong();
  }
}
