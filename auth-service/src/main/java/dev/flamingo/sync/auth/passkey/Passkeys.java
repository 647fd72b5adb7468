package dev.flamingo.sync.auth.passkey;

import dev.flamingo.sync.auth.account.AccountStore;
import dev.flamingo.sync.auth.account.HashingGate;
import dev.flamingo.sync.auth.account.PasswordHasher;
import dev.flamingo.sync.auth.support.RequestFields;
import dev.flamingo.sync.auth.twofactor.RecoveryCodes;
import dev.flamingo.sync.auth.twofactor.SecondStep;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.outbox.Outbox;
import dev.flamingo.sync.common.text.DisplayText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.webauthn4j.Authenticator;
import io.vertx.ext.auth.webauthn4j.CredentialStorage;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * An account's passkeys, from the dashboard: add one (a registration ceremony whose challenge is kept as a hash
 * in the database), list them, remove one with the password typed again. Audited: passkey.added,
 * passkey.removed. The account's first second factor brings its ten recovery codes (shown once); its last one
 * takes them away, as for TOTP. After each change the gateways forget the account's cached logins.
 */
public final class Passkeys {
  static final String REGISTER = "register";
  /** Passkeys an account may hold. */
  static final int MAX_PER_ACCOUNT = 20;
  /** A registration whose challenge is unknown, used or expired: no ceremony in progress to finish. */
  static final String NOT_FOUND = "Passkey not found";
  static final String EXPIRED = "This passkey request has expired, try again";

  private final Pool pool;
  private final PasskeyStore store;
  private final AccountStore accounts;
  private final PasswordHasher hasher;
  private final HashingGate gate;
  private final Outbox outbox;
  private final WebAuthnSite site;
  private final PasskeyVerifier verifier;
  private final Vertx vertx;
  private SecondStep step;
  private RecoveryCodes codes;

  public Passkeys(Vertx vertx, Pool pool, AccountStore accounts, PasswordHasher hasher, Outbox outbox, String publicUrl) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = new PasskeyStore(pool);
    this.accounts = accounts;
    this.hasher = hasher;
    this.gate = HashingGate.of(vertx);
    this.outbox = outbox;
    this.site = new WebAuthnSite(vertx, publicUrl);
    this.verifier = new PasskeyVerifier(pool, store, outbox, site);
  }

  /** The second step ({@code step}: whether the account has a second factor) and its recovery codes. */
  public Passkeys withSecondStep(SecondStep step, RecoveryCodes codes) {
    this.step = step;
    this.codes = codes;
    return this;
  }

  /** The second step of a sign-in with a passkey. */
  public PasskeyVerifier verifier() {
    return verifier;
  }

  /** AUTH_PASSKEY_REGISTER_OPTIONS → {options}: for navigator.credentials.create(), the account's passkeys excluded. */
  public Future<JsonObject> registerOptions(JsonObject body, RequestContext ctx) {
    long id = ctx.requireAccount();
    return accounts.byId(id).compose(account -> {
      if (account == null) {
        throw ServiceException.unauthorized();
      }
      return site.provider(new Registered(null)).createCredentialsOptions(new JsonObject().put("name", String.valueOf(id)))
          .map(options -> {
            // the authenticator shows the e-mail address; the library's name field carries the account id
            options.getJsonObject("user").put("name", account.email()).put("displayName", account.email());
            return options;
          });
    }).compose(options -> store.challenge(id, REGISTER, WebAuthnSite.hash(options.getString("challenge")),
        PasskeyVerifier.TTL_SECONDS).map(v -> Reply.data(new JsonObject().put("options", options))));
  }

  /** AUTH_PASSKEY_REGISTER {name, credential} → the new passkey {id, name, created_at, last_used_at}. */
  public Future<JsonObject> register(JsonObject body, RequestContext ctx) {
    long id = ctx.requireAccount();
    String name = DisplayText.check("name", RequestFields.required(body, "name", 100, "name is required"));
    JsonObject credential = WebAuthnSite.credential(body);
    String challenge = WebAuthnSite.challenge(credential);
    Registered registered = new Registered(id);
    return store.take(REGISTER, WebAuthnSite.hash(challenge)).compose(account -> {
      if (account == null || account != id) {
        throw new ServiceException(409, EXPIRED);
      }
      return store.list(id);
    }).compose(existing -> {
      if (existing.size() >= MAX_PER_ACCOUNT) {
        throw new ServiceException(409, "An account can hold at most " + MAX_PER_ACCOUNT + " passkeys");
      }
      return site.provider(registered).authenticate(site.credentials(id, challenge, credential))
          .recover(t -> Future.failedFuture(ServiceException.badRequest(WebAuthnSite.NOT_ACCEPTED)));
    }).compose(user -> codes.left(id)).compose(left -> pool.withTransaction(tx -> store.insert(tx, id, name,
            registered.created)
        .compose(row -> row == null
            ? Future.failedFuture(new ServiceException(409, "This passkey is registered already"))
            : outbox.audit(tx, "passkey.added", ctx, id, null, new JsonObject().put("passkey_id", row.getLong("id"))
                .put("name", name)).map(row))
        // the first second factor: its recovery codes, shown this once
        .compose(row -> left > 0 ? Future.succeededFuture(row) : codes.replace(tx, id)
            .map(fresh -> row.put("recovery_codes", new JsonArray(fresh))))))
        .map(row -> {
          changed(id);
          return Reply.data(row);
        });
  }

  /** AUTH_PASSKEY_LIST → [{id, name, created_at, last_used_at}], oldest first. */
  public Future<JsonObject> list(JsonObject body, RequestContext ctx) {
    return store.list(ctx.requireAccount()).map(Reply::data);
  }

  /** AUTH_PASSKEY_REMOVE {id, password}: 400 for a wrong password, 404 for a passkey not the account's. */
  public Future<JsonObject> remove(JsonObject body, RequestContext ctx) {
    long id = ctx.requireAccount();
    Object passkey = body.getValue("id");
    String password = RequestFields.string(body, "password");
    if (password == null || password.isEmpty()) {
      throw ServiceException.badRequest("password is required");
    }
    if (passkey instanceof String) {
      throw ServiceException.notFound(NOT_FOUND); // a path's id that is no number names no passkey
    }
    if (!(passkey instanceof Number number) || number.longValue() != number.doubleValue()) {
      throw ServiceException.badRequest("id is required");
    }
    return accounts.byId(id).compose(account -> gate.run(() -> account != null && hasher.verify(password, account.passwordHash())))
        .compose(ok -> {
          if (!ok) {
            throw ServiceException.badRequest("The password is wrong");
          }
          return pool.withTransaction(tx -> store.delete(tx, id, number.longValue()).compose(name -> name == null
              ? Future.failedFuture(ServiceException.notFound(NOT_FOUND))
              : outbox.audit(tx, "passkey.removed", ctx, id, null, new JsonObject().put("passkey_id", number.longValue())
                  .put("name", name))));
        })
        // the last second factor takes the recovery codes with it
        .compose(v -> step.has(id))
        .compose(still -> still ? Future.succeededFuture() : pool.withTransaction(tx -> codes.remove(tx, id)))
        .map(v -> {
          changed(id);
          return Reply.message("Passkey removed");
        });
  }

  /** The gateways forget the account's cached logins: the next request sees the new second-factor state. */
  private void changed(long account) {
    vertx.eventBus().publish(Addresses.EVENT_ACCOUNT_STAMP_CHANGED, new JsonObject().put("account_id", account));
  }

  /** The account's credentials for the ceremony; keeps what a registration created for the caller to store. */
  private final class Registered implements CredentialStorage {
    private final Long account;
    private Authenticator created;

    Registered(Long account) {
      this.account = account;
    }

    @Override
    public Future<List<Authenticator>> find(String userName, String credentialId) {
      return userName == null ? Future.succeededFuture(List.of()) : store.find(Long.parseLong(userName), credentialId);
    }

    @Override
    public Future<Void> storeCredential(Authenticator authenticator) {
      if (account == null || !String.valueOf(account).equals(authenticator.getUsername())) {
        return Future.failedFuture(new IllegalStateException("not this account's ceremony"));
      }
      created = authenticator;
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> updateCounter(Authenticator authenticator) {
      return Future.failedFuture(new IllegalStateException("a registration signs nothing in"));
    }
  }
}
