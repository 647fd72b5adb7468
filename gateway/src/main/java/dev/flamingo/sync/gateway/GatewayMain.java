package dev.flamingo.sync.gateway;

import dev.flamingo.sync.common.launch.NodeLauncher;

/** Runs the gateway as its own clustered node. */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) {
    NodeLauncher.run("gateway", settings -> new GatewayVerticle());
  }
}
