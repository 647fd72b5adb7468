package dev.flamingo.sync.auth.twofactor;

import dev.flamingo.sync.common.security.KeyWrapper;
import dev.flamingo.sync.common.security.KeyWrapper.Wrapped;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An account's TOTP authenticator as stored: the secret sealed with the key-encryption key (purpose "totp", the
 * account id bound in), whether it is confirmed, and the last accepted step.
 */
public final class TotpFactor implements SecondFactor {
  public static final String METHOD = "totp";
  private static final String PURPOSE = "totp";

  /** A stored authenticator, its secret opened. */
  public record Stored(String secret, boolean confirmed, long lastStep) {}

  private final Pool pool;
  private final KeyWrapper kek;

  public TotpFactor(Pool pool, KeyWrapper kek) {
    this.pool = pool;
    this.kek = kek;
  }

  @Override
  public String method() {
    return METHOD;
  }

  @Override
  public Future<Boolean> enrolled(long account) {
    return pool.preparedQuery("select 1 from totp_factors where account_id = $1 and confirmed_at is not null")
        .execute(Tuple.of(account)).map(rows -> rows.size() > 0);
  }

  public Future<Stored> find(long account) {
    return pool.preparedQuery("select * from totp_factors where account_id = $1").execute(Tuple.of(account))
        .map(rows -> rows.size() == 0 ? null : open(account, rows.iterator().next()));
  }

  /** Keeps a new, unconfirmed secret for the account (replacing an unconfirmed one); false when one is confirmed. */
  public Future<Boolean> offer(long account, String secret) {
    Wrapped sealed = kek.wrap(PURPOSE, account, secret.getBytes(StandardCharsets.US_ASCII));
    return pool.preparedQuery("insert into totp_factors (account_id, secret_sealed, secret_iv, kek_id) "
            + "values ($1, $2, $3, $4) on conflict (account_id) do update set secret_sealed = excluded.secret_sealed, "
            + "secret_iv = excluded.secret_iv, kek_id = excluded.kek_id, created_at = now() "
            + "where totp_factors.confirmed_at is null")
        .execute(Tuple.of(account, Buffer.buffer(sealed.ciphertext()), Buffer.buffer(sealed.iv()), sealed.kekId()))
        .map(r -> r.rowCount() == 1);
  }

  /** Confirms the pending secret with the step of its first code: false when there was none pending. */
  public Future<Boolean> confirm(SqlClient tx, long account, long step) {
    return tx.preparedQuery("update totp_factors set confirmed_at = now(), last_step = $2 where account_id = $1 "
            + "and confirmed_at is null").execute(Tuple.of(account, step)).map(r -> r.rowCount() == 1);
  }

  /** Takes {@code step} as the last accepted one, unless it (or a later one) was taken: whether it was taken now. */
  public Future<Boolean> take(SqlClient tx, long account, long step) {
    return tx.preparedQuery("update totp_factors set last_step = $2 where account_id = $1 and confirmed_at is not null "
            + "and last_step < $2").execute(Tuple.of(account, step)).map(r -> r.rowCount() == 1);
  }

  public Future<Boolean> remove(SqlClient tx, long account) {
    return tx.preparedQuery("delete from totp_factors where account_id = $1").execute(Tuple.of(account))
        .map(r -> r.rowCount() == 1);
  }

  /**
   * Seals again, under the current KEK, every secret sealed under an older one that is still configured (after a KEK
   * rotation, FLAMINGO_KEK_PREVIOUS): run at start, so that the old KEK can be dropped; how many.
   */
  public Future<Integer> resealUnderCurrentKek() {
    return pool.preparedQuery("select * from totp_factors where kek_id <> $1").execute(Tuple.of(kek.currentId()))
        .compose(rows -> {
          List<Tuple> resealed = new ArrayList<>();
          for (Row r : rows) {
            if (!kek.knows(r.getString("kek_id"))) {
              continue; // not openable here: it stays as it is (its owner resets it)
            }
            long account = r.getLong("account_id");
            Wrapped sealed = kek.wrap(PURPOSE, account, open(account, r).secret().getBytes(StandardCharsets.US_ASCII));
            resealed.add(Tuple.of(account, Buffer.buffer(sealed.ciphertext()), Buffer.buffer(sealed.iv()), sealed.kekId(),
                r.getString("kek_id")));
          }
          return resealed.isEmpty() ? Future.succeededFuture(0)
              : pool.preparedQuery("update totp_factors set secret_sealed = $2, secret_iv = $3, kek_id = $4 "
                  + "where account_id = $1 and kek_id = $5").executeBatch(resealed).map(resealed.size());
        });
  }

  private Stored open(long account, Row r) {
    Wrapped sealed = new Wrapped(r.getBuffer("secret_sealed").getBytes(), r.getBuffer("secret_iv").getBytes(),
        r.getString("kek_id"));
    String secret = new String(kek.unwrap(PURPOSE, account, sealed), StandardCharsets.US_ASCII);
    return new Stored(secret, r.getOffsetDateTime("confirmed_at") != null, r.getLong("last_step"));
  }
}
