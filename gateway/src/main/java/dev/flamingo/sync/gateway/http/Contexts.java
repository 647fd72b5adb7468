package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one place where an HTTP request gets its {@link RequestContext}: request id (taken from a sane
 * {@code X-Request-Id} or made up), client IP and User-Agent; the auth handlers add the account later.
 */
public final class Contexts implements Handler<RoutingContext> {
  private static final String KEY = "flamingo.context";
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final ClientAddress clientAddress;

  public Contexts(ClientAddress clientAddress) {
    this.clientAddress = clientAddress;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String incoming = ctx.request().getHeader("X-Request-Id");
    String requestId = incoming != null && REQUEST_ID.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
    String userAgent = ctx.request().getHeader("User-Agent");
    if (userAgent != null && userAgent.length() > 512) {
      userAgent = userAgent.substring(0, 512);
    }
    RequestContext context = RequestContext.anonymous(requestId, clientAddress.of(ctx.request()), userAgent);
    ctx.put(KEY, context);
    AccessLog.install(ctx, context);
    ctx.response().putHeader("X-Request-Id", requestId);
    ctx.response().putHeader("X-Content-Type-Options", "nosniff");
    ctx.next();
  }

  public static RequestContext get(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  public static void set(RoutingContext ctx, RequestContext context) {
    ctx.put(KEY, context);
  }
}
