package dev.flamingo.sync.auth.account;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Instant;
import java.util.UUID;

/**
 * The browser login: an HS256 JWT carried in an HttpOnly cookie, with the account id ({@code sub}),
 * the account's security stamp ({@code stamp}) and a login id ({@code jti}, random per login). A stamp
 * change (password change, sign out everywhere) ends every earlier login; a logout ends one login id.
 */
public final class BrowserTokens {
  /** What a valid token says. */
  public record Claims(long accountId, String stamp, UUID loginId, Instant expiresAt) {}

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
    return jwt.generateToken(new JsonObject().put("sub", String.valueOf(accountId)).put("stamp", stamp)
            .put("jti", UUID.randomUUID().toString()),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) lifetimeSeconds));
  }

  /** The claims of a valid, unexpired token with a login id; fails otherwise (tokens from before login ids too). */
  public Future<Claims> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token)).map(user -> {
      JsonObject p = user.principal();
      String jti = p.getString("jti");
      Long exp = user.attributes().getLong("exp");
      if (jti == null || exp == null) {
        throw new IllegalArgumentException("not a browser login of this version");
      }
      return new Claims(Long.parseLong(p.getString("sub")), p.getString("stamp"), UUID.fromString(jti),
          Instant.ofEpochSecond(exp));
    });
  }
}
