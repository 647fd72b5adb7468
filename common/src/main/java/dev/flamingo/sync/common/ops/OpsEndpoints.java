package dev.flamingo.sync.common.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /health/live}, {@code /health/ready} and {@code /metrics} for a node: mounted on the
 * gateway's router, or served on their own port ({@code FLAMINGO_OPS_PORT}) by a service node.
 */
public final class OpsEndpoints {
  /** How long a readiness check may take before it counts as down. */
  static final long CHECK_TIMEOUT_MS = 2_000;

  private OpsEndpoints() {}

  /** Mounts the three endpoints; {@code ready} maps a check name to a future that succeeds when it is up. */
  public static void mount(Vertx vertx, Router router, Map<String, Supplier<Future<?>>> ready) {
    HealthChecks live = HealthChecks.create(vertx).register("process", p -> p.complete(Status.OK()));
    HealthChecks readiness = HealthChecks.create(vertx);
    // a check that has not answered in 2 s is down (503, like any other down check; the library's own timeout
    // answers 500); tryComplete, because its late answer must not complete it again ("Result is already complete")
    ready.forEach((name, check) -> readiness.register(name, 2 * CHECK_TIMEOUT_MS, promise -> {
      long timer = vertx.setTimer(CHECK_TIMEOUT_MS, t -> promise.tryComplete(
          Status.KO(new io.vertx.core.json.JsonObject().put("reason", "no answer in " + CHECK_TIMEOUT_MS + " ms"))));
      check.get().onComplete(ar -> {
        vertx.cancelTimer(timer);
        promise.tryComplete(ar.succeeded() ? Status.OK() : Status.KO());
      });
    }));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
  }

  /** A small HTTP server with just those endpoints, for a service node. */
  public static Future<HttpServer> serve(Vertx vertx, String host, int port, Map<String, Supplier<Future<?>>> ready) {
    Router router = Router.router(vertx);
    mount(vertx, router, ready);
    return dev.flamingo.sync.common.launch.PortInUse.named(vertx.createHttpServer().requestHandler(router)
        .listen(port, host), dev.flamingo.sync.common.config.Settings.OPS_PORT, host, port);
  }
}
