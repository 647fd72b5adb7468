package dev.flamingo.sync.data;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * Every SQL statement the Vert.x SQL client sends, seen through Vert.x's own client-metrics hook (not
 * through anything data-service counts itself): what a request costs in statement round trips.
 */
final class SqlStatementLog {
  private final List<String> statements = new ArrayList<>();

  /** A Vert.x whose SQL clients report every statement here. */
  Vertx vertx() {
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MetricsOptions().setEnabled(true)))
        .withMetrics(options -> new VertxMetrics() {
          @Override
          public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remote, String type, String namespace) {
            if (!"sql".equals(type)) {
              return null;
            }
            return new ClientMetrics<Object, Object, Object>() {
              @Override
              public Object requestBegin(String uri, Object request) {
                record(uri);
                return null;
              }
            };
          }
        })
        .build();
  }

  private synchronized void record(String sql) {
    statements.add(sql);
  }

  /** A mark to count from. */
  synchronized int mark() {
    return statements.size();
  }

  /**
   * The statements since {@code mark}, without the outbox relay's polling (it runs on its own timer): statements
   * on the outbox table, except the blob PUT's one statement, a CTE that may add a {@code data.overwritten} event.
   */
  synchronized List<String> since(int mark) {
    List<String> sent = new ArrayList<>();
    for (String sql : statements.subList(mark, statements.size())) {
      if (sql == null || !sql.toLowerCase().contains("outbox") || sql.startsWith("with ")) {
        sent.add(sql);
      }
    }
    return sent;
  }
}
