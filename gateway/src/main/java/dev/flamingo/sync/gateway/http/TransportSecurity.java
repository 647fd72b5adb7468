package dev.flamingo.sync.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Behind an https public URL every answer says so for a year ({@code Strict-Transport-Security}), so a
 * browser never again sends the login cookie or a sign-in form over plain http to this host.
 */
public final class TransportSecurity implements Handler<RoutingContext> {
  static final String HSTS = "max-age=31536000";

  /** Whether the deployment is served over https (then install this handler on every route). */
  public static boolean applies(String publicUrl) {
    return publicUrl.startsWith("https://");
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().putHeader("Strict-Transport-Security", HSTS);
    ctx.next();
  }
}
