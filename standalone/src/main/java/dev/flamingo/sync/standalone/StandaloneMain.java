package dev.flamingo.sync.standalone;

import dev.flamingo.sync.auth.admin.AdminCommand;
import dev.flamingo.sync.common.config.ConfigLoader;
import dev.flamingo.sync.common.config.Setting;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.SecretFiles;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.db.DatabaseUnavailableException;
import dev.flamingo.sync.common.launch.GracefulShutdown;
import dev.flamingo.sync.common.ops.Observability;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One box, one JVM: every service and the gateway on a local event bus, against one PostgreSQL
 * (the database is created and migrated on first start). Secrets that are not configured are created
 * once in {@code FLAMINGO_SECRETS_DIR} (default {@code ~/.config/flamingo-sync}).
 */
public final class StandaloneMain {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneMain.class);

  private StandaloneMain() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("admin")) {
      // the operator's admin commands (grant, revoke, enable EMAIL) against this server's database
      System.exit(AdminCommand.run(args));
    }
    Vertx vertx = Vertx.vertx(Observability.vertxOptions());
    Settings settings;
    try {
      settings = ConfigLoader.load(vertx).await().validate(); // a bad value stops here, in one line
    } catch (Exception e) {
      cannotStart(vertx, e);
      return;
    }
    if (settings.string(Setting.SECRETS_DIR) == null) {
      String dir = Path.of(System.getProperty("user.home"), ".config", "flamingo-sync").toString();
      settings = settings.with(Settings.SECRETS_DIR, dir);
    }
    try {
      // the secrets kept as files there: the directory needs write access only when one of them is missing
      java.util.List<String> files = new java.util.ArrayList<>();
      if (settings.configured(Setting.JWT_SECRET) == null) {
        files.add("jwt-secret");
      }
      if (settings.configured(Setting.KEK) == null) {
        files.add("kek");
      }
      SecretFiles.checkDirectory(Path.of(settings.string(Setting.SECRETS_DIR)), Settings.SECRETS_DIR, files);
    } catch (IllegalStateException e) {
      cannotStart(vertx, e);
      return;
    }
    try {
      Database.ensureDatabase(settings); // fail fast, in one line, when PostgreSQL is not there
    } catch (DatabaseUnavailableException e) {
      cannotStart(vertx, e);
      return;
    }
    try {
      Services.deployAll(vertx, settings).await();
    } catch (Exception e) {
      System.err.println("Flamingo Sync failed to start: " + e.getMessage());
      LOG.debug("start failure", e);
      vertx.close();
      System.exit(1);
      return;
    }
    StartBanner.asking(vertx, settings).show(System.out);
    GracefulShutdown.install(vertx, "Flamingo Sync");
  }

  /** A setting or a prerequisite that stops the start: one line, exit 2. */
  private static void cannotStart(Vertx vertx, Exception e) {
    System.err.println("Flamingo Sync cannot start: " + e.getMessage());
    vertx.close();
    System.exit(2);
  }
}
