package dev.flamingo.sync.device;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.launch.NodeLauncher;

/** Runs device-service as its own cluster node. */
public final class DeviceMain {
  private DeviceMain() {}

  public static void main(String[] args) {
    NodeLauncher.run("device-service", Addresses.DEVICE_PING, s -> new DeviceVerticle());
  }
}
