package dev.flamingo.sync.auth;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.launch.NodeLauncher;

/** Runs auth-service as its own clustered node. */
public final class AuthMain {
  private AuthMain() {}

  public static void main(String[] args) {
    NodeLauncher.run("auth-service", Addresses.AUTH_PING, settings -> new AuthVerticle());
  }
}
