package dev.flamingo.sync.standalone;

import dev.flamingo.sync.auth.AuthVerticle;
import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.data.DataVerticle;
import dev.flamingo.sync.device.DeviceVerticle;
import dev.flamingo.sync.gateway.GatewayVerticle;
import dev.flamingo.sync.gateway.limits.RateLimits;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Deploys every Flamingo Sync verticle into one Vert.x instance: the services first (each migrates
 * its own schema), then the gateway, so that the first HTTP request finds everything ready.
 */
public final class Services {
  private Services() {}

  public static Future<Void> deployAll(Vertx vertx, Settings settings) {
    RateLimits limits = new RateLimits();
    DeploymentOptions options = new DeploymentOptions().setConfig(settings.json());
    int gateways = settings.integer(Setting.GATEWAY_INSTANCES);
    int services = settings.integer(Setting.SERVICE_INSTANCES);
    // device-service keeps one instance: it buffers last-seen times and audit events in memory
    return Future.all(
            vertx.deployVerticle(AuthVerticle::new, new DeploymentOptions(options).setInstances(services)),
            vertx.deployVerticle(DataVerticle::new, new DeploymentOptions(options).setInstances(services)),
            vertx.deployVerticle(new DeviceVerticle(), options))
        .compose(v -> vertx.deployVerticle(() -> new GatewayVerticle(limits), new DeploymentOptions(options).setInstances(gateways)))
        .mapEmpty();
  }
}
