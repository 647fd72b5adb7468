package dev.flamingo.sync.auth.twofactor;

import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Ten one-time recovery codes per account ({@code xxxx-xxxx-xxxx-xxxx}, about 79 random bits each, shown once): only
 * SHA-256 of a random 128-bit salt and the code is stored (ASVS 2.6.2); one finishes a second step once. New codes
 * replace all earlier ones.
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
      byte[] salt = Tokens.randomBytes(16);
      rows.add(Tuple.of(account, Buffer.buffer(salt), Buffer.buffer(hash(salt, code))));
    }
    return remove(tx, account)
        .compose(v -> tx.preparedQuery("insert into recovery_codes (account_id, salt, code_hash) values ($1, $2, $3)")
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
    // the account's unused codes (ten at most), each with its salt; the row lock keeps a code from being spent twice
    return tx.preparedQuery("select salt, code_hash from recovery_codes where account_id = $1 and used_at is null for update")
        .execute(Tuple.of(account)).compose(rows -> {
          for (var row : rows) {
            byte[] stored = row.getBuffer("code_hash").getBytes();
            if (Tokens.constantTimeEquals(stored, hash(row.getBuffer("salt").getBytes(), code))) {
              return tx.preparedQuery("update recovery_codes set used_at = now() where account_id = $1 and code_hash = $2")
                  .execute(Tuple.of(account, Buffer.buffer(stored))).map(r -> r.rowCount() == 1);
            }
          }
          return Future.succeededFuture(false);
        });
  }

  static String newCode() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      if (i > 0 && i % 4 == 0) {
        s.append('-');
      }
      s.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return s.toString();
  }

  /** The salted hash of a code as typed: case, spaces and dashes do not matter. */
  static byte[] hash(byte[] salt, String code) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return sha.digest(code.toLowerCase(Locale.ROOT).replaceAll("[\\s-]", "").getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
