package dev.flamingo.sync.gateway.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;

/**
 * The browser-login cookie. Behind an https public URL it is {@code __Host-flamingo_login} (Secure,
 * Path=/, no Domain: no other host or plain-http page can plant or overwrite it); over http (local
 * development) it is {@code flamingo_login}. Always HttpOnly and SameSite=Lax. Only the configured name
 * is read.
 */
public final class LoginCookie {
  public static final String PLAIN = "flamingo_login";
  public static final String HOST_ONLY = "__Host-flamingo_login";

  private final boolean secure;
  private final String name;

  public LoginCookie(String publicUrl) {
    this.secure = publicUrl.startsWith("https://");
    this.name = secure ? HOST_ONLY : PLAIN;
  }

  public String name() {
    return name;
  }

  /** The login token the request carries, or null. */
  public String valueOf(HttpServerRequest request) {
    Cookie cookie = request.getCookie(name);
    return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
  }

  public Cookie issue(String token, long maxAgeSeconds) {
    return base(token).setMaxAge(maxAgeSeconds);
  }

  public Cookie cleared() {
    return base("").setMaxAge(0);
  }

  private Cookie base(String value) {
    return Cookie.cookie(name, value).setPath("/").setHttpOnly(true).setSecure(secure).setSameSite(CookieSameSite.LAX);
  }
}
