package dev.flamingo.sync.gateway.routes;

import dev.flamingo.sync.gateway.auth.Authenticator;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web pages (plain HTML, CSS and small scripts under {@code webroot/}, no build step): sign-in and
 * device authorization at {@code /login}, {@code /complete}, a password-reset link's {@code /reset}, the account {@code /dashboard} and the admins'
 * {@code /admin} (served to any signed-in browser; its data comes from /api/admin/*, which only admins get).
 * Every page forbids framing and inline script, and sends no Referer (the login URL holds a temp token).
 */
public final class PageRoutes {
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

  public void mount(Router router, Authenticator auth) {
    Handler<RoutingContext> headers = PageRoutes::securityHeaders;
    router.get("/").handler(ctx -> ctx.response().setStatusCode(302).putHeader("Location", "/dashboard").end());
    router.get("/login").handler(headers).handler(ctx -> page(ctx, "login.html"));
    router.get("/complete").handler(headers).handler(ctx -> page(ctx, "complete.html"));
    // a one-time password-reset link; its token stays out of the access log (no query strings are logged) and of
    // any Referer (no-referrer)
    router.get("/reset").handler(headers).handler(ctx -> page(ctx, "reset.html"));
    router.get("/dashboard").handler(headers).handler(auth::browserOrSignIn).handler(ctx -> page(ctx, "dashboard.html"));
    router.get("/admin").handler(headers).handler(auth::browserOrSignIn).handler(ctx -> page(ctx, "admin.html"));
    router.get("/assets/*").handler(headers).handler(StaticHandler.create("webroot/assets").setCachingEnabled(false));
  }

  static void securityHeaders(RoutingContext ctx) {
    var h = ctx.response().headers();
    h.set("Content-Security-Policy", CSP);
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cache-Control", "no-store");
    ctx.next();
  }

  private static void page(RoutingContext ctx, String file) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").sendFile("webroot/" + file);
  }
}
