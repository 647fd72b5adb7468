package dev.flamingo.sync.auth;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.launch.NodeLauncher;

/**
 * Runs auth-service as its own clustered node; {@code reset-password EMAIL}: an operator's password reset;
 * {@code admin grant|revoke|enable EMAIL}: the operator's admin commands.
 */
public final class AuthMain {
  private AuthMain() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("reset-password")) {
      System.exit(dev.flamingo.sync.auth.account.PasswordReset.run(args));
    }
    if (args.length > 0 && args[0].equals("admin")) {
      System.exit(dev.flamingo.sync.auth.admin.AdminCommand.run(args));
    }
    NodeLauncher.run("auth-service", Addresses.AUTH_PING, settings -> new AuthVerticle());
  }
}
