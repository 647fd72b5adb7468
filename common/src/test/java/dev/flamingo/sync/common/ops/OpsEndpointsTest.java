package dev.flamingo.sync.common.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /health/ready} of a node whose check answers late, as a database check does while the database is away. */
class OpsEndpointsTest {
  final Vertx vertx = Vertx.vertx();
  final List<Throwable> unhandled = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  int get(int port, String path) {
    return vertx.createHttpClient().request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(r -> r.send()).map(HttpClientResponse::statusCode).await();
  }

  @Test
  void aCheckAnsweringAfterItsTimeIsNotReadyAndThrowsNothing() throws Exception {
    vertx.exceptionHandler(unhandled::add);
    Supplier<Future<?>> late = () -> vertx.timer(2_600).map(x -> "up, too late");
    HttpServer server = OpsEndpoints.serve(vertx, "127.0.0.1", 0, Map.of("database", late)).await();
    int port = server.actualPort();
    assertEquals(200, get(port, "/health/live"));
    assertEquals(503, get(port, "/health/ready"), "a check past its 2 s is down");
    Thread.sleep(1_500); // the late answer arrives
    assertTrue(unhandled.isEmpty(), "the late answer completed the check a second time: " + unhandled);
    Supplier<Future<?>> up = () -> Future.succeededFuture("up");
    HttpServer second = OpsEndpoints.serve(vertx, "127.0.0.1", 0, Map.of("database", up)).await();
    assertEquals(200, get(second.actualPort(), "/health/ready"));
  }
}
