package dev.flamingo.sync.auth.account;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * The browser login: an HS256 JWT carried in an HttpOnly cookie, with the account id ({@code sub}) and
 * the account's security stamp ({@code stamp}); a stamp change (password change, sign out everywhere)
 * ends every earlier login.
 */
public final class BrowserTokens {
  /** What a valid token says. */
  public record Claims(long accountId, String stamp) {}

  private final JWTAuth jwt;
  private final long lifetimeSeconds;

  public BrowserTokens(Vertx vertx, String secret, long lifetimeSeconds) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.lifetimeSeconds = lifetimeSeconds;
  }

  public long lifetimeSeconds() {
    return lifetimeSeconds;
  }

  public String issue(long accountId, String stamp) {
    return jwt.generateToken(new JsonObject().put("sub", String.valueOf(accountId)).put("stamp", stamp),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) lifetimeSeconds));
  }

  /** The claims of a valid, unexpired token; fails otherwise. */
  public Future<Claims> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token)).map(user -> {
      JsonObject p = user.principal();
      return new Claims(Long.parseLong(p.getString("sub")), p.getString("stamp"));
    });
  }
}
