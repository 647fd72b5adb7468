package dev.flamingo.sync.auth.passkey;

import dev.flamingo.sync.auth.account.AccountService;
import dev.flamingo.sync.auth.account.AccountStore;
import dev.flamingo.sync.auth.account.BrowserTokens;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A password sign-in with a passkey as its second step, until the shared pending second step (issue 24's TOTP
 * work) takes its place: {@link #begin} checks the password as the plain sign-in does; an account without a
 * passkey is signed in at once, one with a passkey gets the options for navigator.credentials.get() and no
 * browser token; {@link #finish} signs in the account whose passkey answered that challenge.
 */
public final class PasskeySignIn {
  private final AccountService accounts;
  private final AccountStore store;
  private final BrowserTokens tokens;
  private final PasskeyVerifier verifier;

  public PasskeySignIn(AccountService accounts, AccountStore store, BrowserTokens tokens, PasskeyVerifier verifier) {
    this.accounts = accounts;
    this.store = store;
    this.tokens = tokens;
    this.verifier = verifier;
  }

  /** AUTH_PASSKEY_SIGNIN_BEGIN {email, password}. */
  public Future<JsonObject> begin(JsonObject body, RequestContext ctx) {
    return accounts.login(body, ctx).compose(reply -> {
      JsonObject data = reply.getJsonObject("data");
      long account = data.getLong("account_id");
      return verifier.required(account).compose(required -> !required ? Future.succeededFuture(reply)
          : verifier.options(account).map(options -> Reply.data(new JsonObject().put("account_id", account)
              .put("email", data.getString("email")).put("second_step", "passkey").put("options", options))));
    });
  }

  /** AUTH_PASSKEY_SIGNIN_FINISH {credential} → as a sign-in; 401 unless the passkey answered a live challenge. */
  public Future<JsonObject> finish(JsonObject body, RequestContext ctx) {
    return verifier.verify(null, WebAuthnSite.credential(body), ctx).compose(store::byId).map(account -> {
      if (account == null) {
        throw ServiceException.unauthorized();
      }
      if (account.disabled()) {
        throw new ServiceException(403, AccountService.DISABLED);
      }
      return Reply.data(new JsonObject().put("account_id", account.id()).put("email", account.email())
          .put("browser_token", tokens.issue(account.id(), account.securityStamp()))
          .put("browser_token_max_age", tokens.lifetimeSeconds()));
    });
  }
}
