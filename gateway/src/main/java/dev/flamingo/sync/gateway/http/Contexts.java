package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.RequestContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The one place where an HTTP request gets its {@link RequestContext}: request id (taken from a sane
 * {@code X-Request-Id} or made up), client IP and User-Agent; the auth handlers add the account later. Every
 * answer gets its request id, {@code nosniff} and the {@code Date} header here.
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
    String requestId = incoming != null && REQUEST_ID.matcher(incoming).matches() ? incoming : newRequestId();
    String userAgent = ctx.request().getHeader("User-Agent");
    if (userAgent != null && userAgent.length() > 512) {
      userAgent = userAgent.substring(0, 512);
    }
    RequestContext context = RequestContext.anonymous(requestId, clientAddress.of(ctx.request()), userAgent);
    ctx.put(KEY, context);
    AccessLog.install(ctx, context);
    ctx.response().putHeader("X-Request-Id", requestId);
    ctx.response().putHeader("X-Content-Type-Options", "nosniff");
    ctx.response().putHeader("Date", DateHeader.now());
    ctx.next();
  }

  /**
   * A random (version 4) UUID for a request that brings no id. It only needs to be unique, not
   * unguessable: drawn from the thread's fast generator, not the shared SecureRandom of
   * {@link UUID#randomUUID()} (a lock and a system call's worth of work on every request).
   */
  static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  public static RequestContext get(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  public static void set(RoutingContext ctx, RequestContext context) {
    ctx.put(KEY, context);
  }
}
