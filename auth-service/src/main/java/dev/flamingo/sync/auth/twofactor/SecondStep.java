package dev.flamingo.sync.auth.twofactor;

import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.outbox.Outbox;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;

/**
 * The second step of a sign-in. A right password for an account with a second factor {@link #begin begins} it: a
 * random token (only its SHA-256 is stored, in auth-service's database, so any gateway can finish it), bound to
 * the account, valid {@link #TTL_SECONDS}, {@link #MAX_ATTEMPTS} tries. A verifier (TOTP, recovery code, passkey)
 * {@link #open opens} it by its token (refused while the account or the address is over its limit: 429 with
 * Retry-After), checks its credential, then calls {@link #failed} or {@link #complete}; only {@code complete} signs in.
 */
public final class SecondStep {
  public static final int TTL_SECONDS = 300;
  public static final int MAX_ATTEMPTS = 5;
  /** Failed second steps within {@link #WINDOW_SECONDS} before an account, or an address, must wait. */
  public static final int PER_ACCOUNT = 10;
  public static final int PER_ADDRESS = 30;
  public static final int WINDOW_SECONDS = 900;
  public static final String PREFIX = "flm_2fa_";
  public static final String ENDED = "This sign-in has expired, sign in again";
  public static final String WRONG = "The code is wrong";
  public static final String TOO_MANY = "Too many wrong codes, try again later";

  /** An open step: its stored id and its account. */
  public record Pending(byte[] id, long accountId) {}

  private final Pool pool;
  private final SecondStepStore store;
  private final Outbox outbox;
  private final LongFunction<Future<JsonObject>> signIn;
  private final List<SecondFactor> factors = new CopyOnWriteArrayList<>();

  /** {@code signIn}: the sign-in reply (browser token) of an account, as after a password without second factor. */
  public SecondStep(Pool pool, Outbox outbox, LongFunction<Future<JsonObject>> signIn) {
    this.pool = pool;
    this.store = new SecondStepStore(pool);
    this.outbox = outbox;
    this.signIn = signIn;
  }

  /** Adds a kind of second factor (in the order the methods are listed). */
  public SecondStep with(SecondFactor factor) {
    factors.add(factor);
    return this;
  }

  /** The methods the account can finish a second step with; empty when it has no second factor. */
  public Future<List<String>> methods(long account) {
    List<Future<Boolean>> checks = new ArrayList<>();
    factors.forEach(f -> checks.add(f.enrolled(account)));
    return Future.all(checks).map(all -> {
      List<String> methods = new ArrayList<>();
      for (int i = 0; i < factors.size(); i++) {
        if (Boolean.TRUE.equals(all.resultAt(i))) {
          methods.add(factors.get(i).method());
        }
      }
      // recovery codes finish a step only for an account that has a real second factor
      boolean any = methods.stream().anyMatch(m -> !RecoveryCodes.METHOD.equals(m));
      return any ? methods : List.of();
    });
  }

  /** Whether the account has a second factor (a recovery code alone is none). */
  public Future<Boolean> has(long account) {
    return methods(account).map(m -> !m.isEmpty());
  }

  /** A new step for {@code account} after its right password: {second_step: {token, methods, expires_in}}. */
  public Future<JsonObject> begin(long account, List<String> methods, RequestContext ctx) {
    String token = PREFIX + Tokens.randomHex(32);
    return store.insert(Tokens.sha256(token), account, ctx.clientIp(), TTL_SECONDS)
        .map(v -> new JsonObject().put("second_step", new JsonObject().put("token", token)
            .put("methods", new JsonArray(methods)).put("expires_in", TTL_SECONDS)));
  }

  /** The open step of {@code token}: 401 when unknown, used, expired or out of tries; 429 over a limit. */
  public Future<Pending> open(String token, RequestContext ctx) {
    if (token == null || !token.startsWith(PREFIX) || token.length() != PREFIX.length() + 64) {
      return Future.failedFuture(new ServiceException(401, ENDED));
    }
    byte[] id = Tokens.sha256(token);
    return store.find(id).compose(step -> {
      if (step == null || step.doneAt() != null || step.expired() || step.attempts() >= MAX_ATTEMPTS) {
        return Future.failedFuture(new ServiceException(401, ENDED));
      }
      return store.waitSeconds(step.accountId(), ctx.clientIp(), PER_ACCOUNT, PER_ADDRESS, WINDOW_SECONDS)
          .compose(wait -> wait > 0
              ? Future.failedFuture(new ServiceException(429, TOO_MANY, null, wait))
              : Future.succeededFuture(new Pending(step.idHash(), step.accountId())));
    });
  }

  /** A wrong credential for the step: counted, audited (auth.second_step.failed); fails 401 "The code is wrong". */
  public <T> Future<T> failed(Pending step, String method, RequestContext ctx) {
    return pool.withTransaction(tx -> store.fail(tx, step.id(), step.accountId(), ctx.clientIp())
            .compose(v -> outbox.audit(tx, "auth.second_step.failed", ctx, step.accountId(), null,
                new JsonObject().put("method", method))))
        .transform(ar -> Future.failedFuture(new ServiceException(401, WRONG)));
  }

  /**
   * Finishes the step with a verified credential of {@code method}: the step is spent (once; a second finish is
   * 401) and audited (auth.login with the method), and the reply is the sign-in (browser token).
   */
  public Future<JsonObject> complete(byte[] stepId, long account, String method, RequestContext ctx) {
    return pool.withTransaction(tx -> store.finish(tx, stepId, account).compose(done -> done
            ? outbox.audit(tx, "auth.login", ctx, account, null, new JsonObject().put("second_factor", method))
            : Future.failedFuture(new ServiceException(401, ENDED))))
        .compose(v -> signIn.apply(account));
  }

  /** Forgets old steps and failures (cleanup job). */
  public Future<Integer> cleanup() {
    return store.deleteExpired(WINDOW_SECONDS);
  }
}
