package dev.flamingo.sync.common.launch;

import dev.flamingo.sync.common.cluster.ClusterBootstrap;
import dev.flamingo.sync.common.config.ConfigLoader;
import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import dev.flamingo.sync.common.ops.OpsEndpoints;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one service as its own clustered node: load config, join the Hazelcast cluster, deploy the
 * service verticle; on SIGTERM undeploy, leave the cluster and exit 0. Each service's {@code Main}
 * is one call to {@link #run}.
 */
public final class NodeLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLauncher.class);

  private NodeLauncher() {}

  public static void run(String name, Function<Settings, Deployable> verticle) {
    run(name, null, verticle);
  }

  /**
   * As above; when {@code FLAMINGO_OPS_PORT} is set, also serves /health/live, /health/ready (the
   * service answers {@code pingAddress}) and /metrics on that port.
   */
  public static void run(String name, String pingAddress, Function<Settings, Deployable> verticle) {
    Settings settings;
    try {
      settings = ConfigLoader.loadBlocking().validate(); // a bad value stops here, in one line
    } catch (Exception e) {
      System.err.println(name + " cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx;
    try {
      vertx = ClusterBootstrap.start(settings).await();
      vertx.deployVerticle(verticle.apply(settings), new DeploymentOptions().setConfig(settings.json())).await();
      int opsPort = settings.integer(Setting.OPS_PORT);
      if (opsPort > 0 && pingAddress != null) {
        OpsEndpoints.serve(vertx, "0.0.0.0", opsPort,
            Map.of(name, () -> vertx.eventBus().request(pingAddress, new JsonObject()))).await();
      }
    } catch (Exception e) {
      LOG.error("{} failed to start: {}", name, e.getMessage());
      System.exit(1);
      return;
    }
    LOG.info("{} joined the cluster and is ready", name);
    GracefulShutdown.install(vertx, name);
  }

  /** Deploys one verticle instance with the settings as its config. */
  public static Future<String> deploy(Vertx vertx, Deployable verticle, Settings settings) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(settings.json()));
  }
}
