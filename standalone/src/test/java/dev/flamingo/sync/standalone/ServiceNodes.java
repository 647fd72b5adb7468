package dev.flamingo.sync.standalone;

import dev.flamingo.sync.gateway.GatewayVerticle;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.TestCluster;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Services as clustered nodes for an end-to-end test: a fresh database, a {@link TestCluster}, the config
 * every node shares, and one call that starts a node and deploys a verticle on it. Clients of the
 * gateways share one plain Vert.x. Closing it closes the clients, the cluster and the database.
 */
final class ServiceNodes implements AutoCloseable {
  final TestDatabase db;
  final TestCluster cluster;
  final JsonObject config;
  private final List<ApiClient> clients = new ArrayList<>();
  private Vertx clientVertx;

  private ServiceNodes(int size) {
    db = TestDatabase.create();
    cluster = new TestCluster(size);
    config = TestConfig.base(db.url());
  }

  /** A database and a cluster of {@code size} nodes, none started yet. */
  static ServiceNodes create(int size) {
    return new ServiceNodes(size);
  }

  /** Starts node {@code index} and deploys {@code verticle} on it with the shared config. */
  Vertx start(int index, Deployable verticle) {
    return start(index, verticle, config);
  }

  /** Starts node {@code index} and deploys {@code verticle} on it with {@code verticleConfig}. */
  Vertx start(int index, Deployable verticle, JsonObject verticleConfig) {
    Vertx node = cluster.startNode(index, config);
    deploy(node, verticle, verticleConfig);
    return node;
  }

  /** Deploys {@code verticle} on a started node with the shared config; returns the deployment id. */
  String deploy(Vertx node, Deployable verticle) {
    return deploy(node, verticle, config);
  }

  static String deploy(Vertx node, Deployable verticle, JsonObject verticleConfig) {
    return node.deployVerticle(verticle, new DeploymentOptions().setConfig(verticleConfig)).await();
  }

  /** A client of a deployed gateway, closed with these nodes. */
  ApiClient client(GatewayVerticle gateway) {
    if (clientVertx == null) {
      clientVertx = Vertx.vertx();
    }
    ApiClient client = new ApiClient(clientVertx, gateway.actualPort());
    clients.add(client);
    return client;
  }

  @Override
  public void close() {
    try {
      clients.forEach(ApiClient::close);
      if (clientVertx != null) {
        clientVertx.close().await();
      }
      cluster.close();
    } finally {
      db.close();
    }
  }
}
