package dev.flamingo.sync.auth.twofactor;

import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Ten one-time recovery codes per account ({@code xxxxx-xxxxx}, 50 random bits each, shown once): only their SHA-256
 * is stored; one finishes a second step once. New codes replace all earlier ones.
 */
public final class RecoveryCodes implements SecondFactor {
  public static final String METHOD = "recovery_code";
  public static final int COUNT = 10;
  private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;

  public RecoveryCodes(Pool pool) {
    this.pool = pool;
  }

  @Override
  public String method() {
    return METHOD;
  }

  @Override
  public Future<Boolean> enrolled(long account) {
    return left(account).map(n -> n > 0);
  }

  /** How many unused codes the account has. */
  public Future<Integer> left(long account) {
    return pool.preparedQuery("select count(*) as n from recovery_codes where account_id = $1 and used_at is null")
        .execute(Tuple.of(account)).map(rows -> rows.iterator().next().getInteger("n"));
  }

  /** New codes for the account (the earlier ones end), in {@code tx}; the codes, to be shown once. */
  public Future<List<String>> replace(SqlClient tx, long account) {
    List<String> codes = new ArrayList<>();
    List<Tuple> rows = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      String code = newCode();
      codes.add(code);
      rows.add(Tuple.of(account, Buffer.buffer(hash(code))));
    }
    return remove(tx, account)
        .compose(v -> tx.preparedQuery("insert into recovery_codes (account_id, code_hash) values ($1, $2)")
            .executeBatch(rows))
        .map(codes);
  }

  public Future<Void> remove(SqlClient tx, long account) {
    return tx.preparedQuery("delete from recovery_codes where account_id = $1").execute(Tuple.of(account)).mapEmpty();
  }

  /** Spends the code if it is one of the account's unused codes: whether it was. */
  public Future<Boolean> use(SqlClient tx, long account, String code) {
    if (code == null || code.length() > 64) {
      return Future.succeededFuture(false);
    }
    return tx.preparedQuery("update recovery_codes set used_at = now() where account_id = $1 and code_hash = $2 "
            + "and used_at is null")
        .execute(Tuple.of(account, Buffer.buffer(hash(code)))).map(r -> r.rowCount() == 1);
  }

  static String newCode() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      if (i == 5) {
        s.append('-');
      }
      s.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return s.toString();
  }

  /** The hash of a code as typed: case, spaces and dashes do not matter. */
  static byte[] hash(String code) {
    return Tokens.sha256(code.toLowerCase(Locale.ROOT).replaceAll("[\\s-]", ""));
  }
}
