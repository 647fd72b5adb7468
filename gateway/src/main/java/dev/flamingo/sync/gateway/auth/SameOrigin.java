package dev.flamingo.sync.gateway.auth;

import dev.flamingo.sync.gateway.http.Envelope;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * Guards cookie-authenticated routes against cross-site requests: an {@code Origin} must be the public
 * URL's origin or this request's own host; without an Origin, {@code Sec-Fetch-Site: cross-site} is
 * refused. Requests carrying a Bearer token pass (no ambient credential is involved).
 */
public final class SameOrigin implements Handler<RoutingContext> {
  private final String publicOrigin;

  public SameOrigin(String publicUrl) {
    this.publicOrigin = originOf(publicUrl);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
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
