package dev.flamingo.sync.auth.passkey;

import dev.flamingo.sync.auth.support.RequestFields;
import dev.flamingo.sync.auth.twofactor.SecondStep;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A sign-in's second step finished with a passkey: the step's token opens it (as for a code), {@link #options}
 * makes the challenge for navigator.credentials.get(), {@link #finish} checks the browser's answer and completes
 * the step (the sign-in) or counts a failure against it.
 */
public final class PasskeySecondStep {
  private final SecondStep step;
  private final PasskeyVerifier verifier;

  public PasskeySecondStep(SecondStep step, PasskeyVerifier verifier) {
    this.step = step;
    this.verifier = verifier;
  }

  /** AUTH_SECOND_STEP_PASSKEY_OPTIONS {token} → {options}; 401 when the step ended, 429 over its limits. */
  public Future<JsonObject> options(JsonObject body, RequestContext ctx) {
    return step.open(token(body), ctx)
        .compose(pending -> verifier.enrolled(pending.accountId()).compose(has -> has
            ? verifier.options(pending.accountId())
            : Future.failedFuture(ServiceException.badRequest("This account has no passkey"))))
        .map(options -> Reply.data(new JsonObject().put("options", options)));
  }

  /** AUTH_SECOND_STEP_PASSKEY {token, credential} → the sign-in; 401 (counted) when the passkey is not accepted. */
  public Future<JsonObject> finish(JsonObject body, RequestContext ctx) {
    String token = token(body);
    JsonObject credential = WebAuthnSite.credential(body);
    return step.open(token, ctx).compose(pending ->
        verifier.verify(pending.accountId(), credential, ctx).transform(ar -> {
          if (ar.succeeded()) {
            return step.complete(pending.id(), pending.accountId(), PasskeyVerifier.METHOD, ctx);
          }
          if (ar.cause() instanceof ServiceException e && e.status() == 401) {
            return step.<JsonObject>failed(pending, PasskeyVerifier.METHOD, ctx)
                .recover(t -> Future.failedFuture(t instanceof ServiceException s && s.status() == 401
                    ? new ServiceException(401, WebAuthnSite.NOT_ACCEPTED) : t));
          }
          return Future.failedFuture(ar.cause());
        }));
  }

  private static String token(JsonObject body) {
    String token = RequestFields.string(body, "token");
    if (token == null || token.isEmpty()) {
      throw ServiceException.badRequest("token is required");
    }
    return token;
  }
}
