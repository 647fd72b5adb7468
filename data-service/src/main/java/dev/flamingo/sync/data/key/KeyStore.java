package dev.flamingo.sync.data.key;

import dev.flamingo.sync.common.security.KeyWrapper;
import dev.flamingo.sync.common.security.KeyWrapper.Wrapped;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** SQL for the key escrow (wrapped keys only) and for dropping an account's blobs on rotation. */
public final class KeyStore {
  /** A stored key row. */
  /** A stored key row; {@code accountKeyId} null: wrapped under the KEK alone (from before key custody). */
  public record StoredKey(long accountId, Wrapped wrapped, int version, OffsetDateTime updatedAt, UUID accountKeyId) {
    static StoredKey of(Row r) {
      return new StoredKey(r.getLong("account_id"), new Wrapped(r.getBuffer("wrapped_key").getBytes(),
          r.getBuffer("iv").getBytes(), r.getString("kek_id")), r.getInteger("version"), r.getOffsetDateTime("updated_at"),
          r.getUUID("account_key_id"));
    }
  }

  private final Pool pool;

  public KeyStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  public Future<StoredKey> get(SqlClient client, long account, boolean forUpdate) {
    return client.preparedQuery("select * from master_keys where account_id = $1" + (forUpdate ? " for update" : ""))
        .execute(Tuple.of(account))
        .map(rows -> rows.size() == 0 ? null : StoredKey.of(rows.iterator().next()));
  }

  /** A stored key's metadata, without the wrapped bytes. */
  public record KeyStatus(int version, String kekId, OffsetDateTime createdAt, OffsetDateTime updatedAt,
      UUID accountKeyId) {}

  /** The key's metadata (the wrapped bytes are not even selected), or null. */
  public Future<KeyStatus> status(long account) {
    return pool.preparedQuery("select version, kek_id, created_at, updated_at, account_key_id from master_keys "
            + "where account_id = $1")
        .execute(Tuple.of(account))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new KeyStatus(r.getInteger("version"), r.getString("kek_id"), r.getOffsetDateTime("created_at"),
              r.getOffsetDateTime("updated_at"), r.getUUID("account_key_id"));
        });
  }

  /** Every KEK id that wraps at least one stored key. */
  public Future<List<String>> kekIdsInUse() {
    return pool.query("select distinct kek_id from master_keys order by kek_id").execute().map(rows -> {
      List<String> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getString("kek_id")));
      return ids;
    });
  }

  /** Inserts version 1 (under account key {@code akId}, null: the KEK alone); false when a key appeared meanwhile. */
  public Future<Boolean> insertFirst(SqlClient client, long account, Wrapped w, UUID akId) {
    return client.preparedQuery("insert into master_keys (account_id, wrapped_key, iv, kek_id, version, account_key_id) "
            + "values ($1, $2, $3, $4, 1, $5) on conflict (account_id) do nothing")
        .execute(Tuple.tuple(Arrays.asList(account, Buffer.buffer(w.ciphertext()), Buffer.buffer(w.iv()), w.kekId(), akId)))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> replace(SqlClient client, long account, Wrapped w, int version, UUID akId) {
    return client.preparedQuery("update master_keys set wrapped_key = $2, iv = $3, kek_id = $4, version = $5, "
            + "account_key_id = $6, updated_at = now() where account_id = $1")
        .execute(Tuple.tuple(Arrays.asList(account, Buffer.buffer(w.ciphertext()), Buffer.buffer(w.iv()), w.kekId(),
            version, akId)))
        .mapEmpty();
  }

  /**
   * Converts a key from before key custody to account key {@code akId} if it is still that version and under
   * the KEK alone (no lost concurrent rotation or conversion); false otherwise. The version stays.
   */
  public Future<Boolean> convert(SqlClient client, StoredKey old, Wrapped w, UUID akId) {
    return client.preparedQuery("update master_keys set wrapped_key = $2, iv = $3, kek_id = $4, account_key_id = $5 "
            + "where account_id = $1 and version = $6 and account_key_id is null")
        .execute(Tuple.tuple(Arrays.asList(old.accountId(), Buffer.buffer(w.ciphertext()), Buffer.buffer(w.iv()),
            w.kekId(), akId, old.version())))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Integer> deleteBlobs(SqlClient client, long account) {
    return client.preparedQuery("delete from blobs where account_id = $1").execute(Tuple.of(account))
        .map(rows -> rows.rowCount());
  }

  /** Rows wrapped with another KEK than {@code kekId}. */
  public Future<List<StoredKey>> wrappedWithOther(String kekId, int limit) {
    return pool.preparedQuery("select * from master_keys where kek_id <> $1 limit $2").execute(Tuple.of(kekId, limit))
        .map(rows -> {
          List<StoredKey> keys = new ArrayList<>();
          rows.forEach(r -> keys.add(StoredKey.of(r)));
          return keys;
        });
  }

  /** Re-wraps one row if it still has the old wrapping (no lost concurrent rotation). */
  public Future<Boolean> rewrap(StoredKey old, Wrapped w) {
    return pool.preparedQuery("update master_keys set wrapped_key = $2, iv = $3, kek_id = $4 "
            + "where account_id = $1 and version = $5 and kek_id = $6")
        .execute(Tuple.tuple(List.of(old.accountId(), Buffer.buffer(w.ciphertext()), Buffer.buffer(w.iv()), w.kekId(),
            old.version(), old.wrapped().kekId())))
        .map(rows -> rows.rowCount() == 1);
  }
}
