package dev.flamingo.bench.bare;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;

/**
 * The bare yardstick: {@code java -jar bare.jar} with BARE_PORT and BARE_DB_URL
 * ({@code postgresql://user@host:port/db}, the database the server under test set up); BARE_POOL_SIZE is the
 * connections in all (default 8, split between the verticles). One {@link BareVerticle} per core.
 */
public final class BareMain {
  private BareMain() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(env("BARE_PORT", "8090"));
    String db = env("BARE_DB_URL", "postgresql://postgres@127.0.0.1:5432/postgres");
    int instances = Runtime.getRuntime().availableProcessors();
    int pool = Math.max(1, Integer.parseInt(env("BARE_POOL_SIZE", "8")) / instances);
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new BareVerticle(port, db, pool), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bare: listening on " + port + " with " + instances + " verticles"))
        .onFailure(e -> {
          System.err.println("bare: " + e);
          System.exit(1);
        });
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }
}
