package dev.flamingo.sync.standalone;

import dev.flamingo.sync.auth.AuthVerticle;
import dev.flamingo.sync.data.DataVerticle;
import dev.flamingo.sync.device.DeviceVerticle;
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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Services as clustered nodes for an end-to-end test: a fresh database, a {@link TestCluster}, the config
 * every node shares, and one call that starts a node and deploys a verticle on it. Clients of the
 * gateways share one plain Vert.x. Register it with {@code @RegisterExtension static final ServiceNodes nodes =
 * new ServiceNodes(size);}: the database and the (not yet started) cluster exist before the class's
 * {@code @BeforeAll}, which starts its topology; after the class's last test the clients, the cluster and
 * the database are closed.
 */
final class ServiceNodes implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  private final int size;
  private final List<ApiClient> clients = new ArrayList<>();
  private Vertx clientVertx;
  TestDatabase db;
  TestCluster cluster;
  JsonObject config;

  /** A database and a cluster of {@code size} nodes, none started. */
  ServiceNodes(int size) {
    this.size = size;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    db = TestDatabase.create();
    cluster = new TestCluster(size);
    config = TestConfig.base(db.url());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
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

  /**
   * Starts device-service, auth-service and data-service, each on its own node (device-service first, so
   * that it consumes the others' events from the start); returns device-service's node.
   */
  Vertx startServices(int authNode, int dataNode, int deviceNode) {
    Vertx devices = start(deviceNode, new DeviceVerticle());
    start(authNode, new AuthVerticle());
    start(dataNode, new DataVerticle());
    return devices;
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
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }
}
