package dev.flamingo.sync.auth.passkey;

import dev.flamingo.sync.auth.twofactor.SecondFactor;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.webauthn4j.Authenticator;
import io.vertx.ext.auth.webauthn4j.CredentialStorage;
import io.vertx.ext.auth.webauthn4j.WebAuthn4J;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * The passkey as a second step of a sign-in: the options for navigator.credentials.get() (a challenge kept
 * as a hash in the database, single use, {@link #TTL_SECONDS}) and the check of the browser's answer: the
 * challenge, origin and relying party, the signature under the stored public key, and a signature counter
 * that grows. Audited: passkey.used, passkey.failed.
 */
public final class PasskeyVerifier implements SecondFactor {
  public static final String METHOD = "passkey";
  static final long TTL_SECONDS = 300;
  static final String SIGN_IN = "sign_in";

  private final Pool pool;
  private final PasskeyStore store;
  private final Outbox outbox;
  private final WebAuthnSite site;
  private final WebAuthn4J provider;

  PasskeyVerifier(Pool pool, PasskeyStore store, Outbox outbox, WebAuthnSite site) {
    this.pool = pool;
    this.store = store;
    this.outbox = outbox;
    this.site = site;
    this.provider = site.provider(new CountingStorage());
  }

  @Override
  public String method() {
    return METHOD;
  }

  /** Whether the account has a passkey (so a sign-in asks for a second step). */
  @Override
  public Future<Boolean> enrolled(long accountId) {
    return store.any(accountId);
  }

  /** PublicKeyCredentialRequestOptions as JSON for the account's passkeys; its challenge is kept. */
  public Future<JsonObject> options(long accountId) {
    return provider.getCredentialsOptions(String.valueOf(accountId))
        .compose(options -> store.challenge(accountId, SIGN_IN, WebAuthnSite.hash(options.getString("challenge")),
            TTL_SECONDS).map(options));
  }

  /**
   * The account whose passkey signed {@code credential} (the browser's PublicKeyCredential as JSON) over a
   * challenge of {@link #options}; with {@code expected} not null, it must be that account. 401 otherwise.
   */
  public Future<Long> verify(Long expected, JsonObject credential, RequestContext ctx) {
    String challenge = WebAuthnSite.challenge(credential);
    return store.take(SIGN_IN, WebAuthnSite.hash(challenge)).compose(account -> {
      if (account == null || (expected != null && !expected.equals(account))) {
        return failed(expected, "unknown_or_expired_challenge", ctx);
      }
      return provider.authenticate(site.credentials(account, challenge, credential))
          .transform(ar -> ar.succeeded()
              ? outbox.audit(pool, "passkey.used", ctx, account, null, new JsonObject()).map(account)
              : failed(account, reason(ar.cause()), ctx));
    });
  }

  private Future<Long> failed(Long account, String reason, RequestContext ctx) {
    return outbox.audit(pool, "passkey.failed", ctx, account, null, new JsonObject().put("reason", reason))
        .transform(ar -> Future.failedFuture(new ServiceException(401, WebAuthnSite.NOT_ACCEPTED)));
  }

  private static String reason(Throwable t) {
    return t instanceof CounterNotGrowing ? "sign_count_not_increasing" : "verification_failed";
  }

  /** Finds the account's credentials; a use is recorded only when the signature counter grew. */
  private final class CountingStorage implements CredentialStorage {
    @Override
    public Future<List<Authenticator>> find(String userName, String credentialId) {
      return userName == null ? Future.succeededFuture(List.of()) : store.find(Long.parseLong(userName), credentialId);
    }

    @Override
    public Future<Void> storeCredential(Authenticator authenticator) {
      return Future.failedFuture(new IllegalStateException("a sign-in registers nothing"));
    }

    @Override
    public Future<Void> updateCounter(Authenticator authenticator) {
      return store.used(authenticator.getCredID(), authenticator.getCounter())
          .compose(ok -> ok ? Future.succeededFuture() : Future.failedFuture(new CounterNotGrowing()));
    }
  }

  private static final class CounterNotGrowing extends RuntimeException {
    CounterNotGrowing() {
      super("the signature counter did not grow", null, false, false);
    }
  }
}
