package dev.flamingo.sync.gateway.http;

import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.ops.Observability;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per request (logger {@code flamingo.access}), with the request id that also travels on
 * the bus; its fields are also the event's key-value pairs ({@code method, path, status, duration_ms, ip,
 * request_id}), fields of their own in the JSON log format. The query string is never logged (a login URL carries a temp token there), nor any header.
 *
 * <p>Guessed credentials (wrong passwords, guessed or expired tokens: {@link AuthFailures}, the one rule) also go
 * to logger {@code flamingo.security} as one stable line for fail2ban-style tools:
 * <pre>auth-failure ip=203.0.113.9 method=POST path=/api/auth/login status=401</pre>
 */
public final class AccessLog {
  private static final Logger ACCESS = LoggerFactory.getLogger("flamingo.access");
  private static final Logger SECURITY = LoggerFactory.getLogger("flamingo.security");

  private AccessLog() {}

  public static void install(RoutingContext ctx, RequestContext context) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> {
      int status = ctx.response().getStatusCode();
      long nanos = System.nanoTime() - start;
      Observability.recordRequest(status, nanos);
      String path = ctx.request().path();
      String method = ctx.request().method().name();
      if (ACCESS.isInfoEnabled()) {
        long ms = nanos / 1_000_000;
        // the fields again as key-value pairs: fields of their own in the JSON log format
        ACCESS.atInfo().addKeyValue("method", method).addKeyValue("path", path).addKeyValue("status", status)
            .addKeyValue("duration_ms", ms).addKeyValue("ip", context.clientIp())
            .addKeyValue("request_id", context.requestId())
            .log("{} {} {} {}ms ip={} request_id={}", method, path, status, ms, context.clientIp(), context.requestId());
      }
      if (status >= 400) {
        Observability.count("http_errors", "class", status >= 500 ? "5xx" : "4xx");
      }
      if (status >= 400 && AuthFailures.counts(status, ctx.get(Envelope.ERROR), AuthFailures.isBearer(
          ctx.request().getHeader("Authorization")))) {
        SECURITY.atWarn().addKeyValue("ip", context.clientIp()).addKeyValue("method", method).addKeyValue("path", path)
            .addKeyValue("status", status)
            .log("auth-failure ip={} method={} path={} status={}", context.clientIp(), method, path, status);
      }
    });
  }

}
