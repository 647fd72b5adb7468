package dev.flamingo.sync.gateway.auth;

import dev.flamingo.sync.gateway.http.Envelope;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * Guards cookie-authenticated routes against cross-site requests: an {@code Origin} must be the public
 * URL's origin or this request's own host; without an Origin, {@code Sec-Fetch-Site: cross-site} is
 * refused. A request carrying a Bearer token passes only on a route built with {@link #allowingBearer()},
 * i.e. one that then authenticates by that token and ignores the cookie (no ambient credential is
 * involved); on cookie routes a Bearer header changes nothing, so it must not open the guard.
 */
public final class SameOrigin implements Handler<RoutingContext> {
  private final String publicOrigin;
  private final boolean bearerPasses;

  /** The guard of cookie routes: every request is checked, Bearer header or not. */
  public SameOrigin(String publicUrl) {
    this(originOf(publicUrl), false);
  }

  private SameOrigin(String publicOrigin, boolean bearerPasses) {
    this.publicOrigin = publicOrigin;
    this.bearerPasses = bearerPasses;
  }

  /** For routes that take a Bearer token instead of the cookie when one is sent (the claim). */
  public SameOrigin allowingBearer() {
    return new SameOrigin(publicOrigin, true);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (bearerPasses && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.next();
      return;
    }
    String origin = ctx.request().getHeader("Origin");
    if (origin != null) {
      String host = ctx.request().getHeader("Host");
      boolean sameHost = host != null && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
      if (!origin.equalsIgnoreCase(publicOrigin) && !sameHost) {
        Envelope.error(ctx, 403, "Cross-origin request refused");
        return;
      }
    } else if ("cross-site".equalsIgnoreCase(ctx.request().getHeader("Sec-Fetch-Site"))) {
      Envelope.error(ctx, 403, "Cross-origin request refused");
      return;
    }
    ctx.next();
  }

  static String originOf(String url) {
    URI uri = URI.create(url);
    String origin = uri.getScheme() + "://" + uri.getHost();
    return uri.getPort() == -1 ? origin : origin + ":" + uri.getPort();
  }
}
