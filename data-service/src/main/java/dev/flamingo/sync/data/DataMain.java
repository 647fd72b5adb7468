package dev.flamingo.sync.data;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.config.ConfigLoader;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.launch.NodeLauncher;
import dev.flamingo.sync.data.key.KeyStore;
import dev.flamingo.sync.common.security.KekSource;
import dev.flamingo.sync.common.security.KeyWrapper;
import dev.flamingo.sync.data.key.Rewrap;
import io.vertx.core.Vertx;

/**
 * Runs data-service as its own clustered node; {@code rewrap} instead re-wraps every stored key under
 * the current KEK (set FLAMINGO_KEK to the new key and FLAMINGO_KEK_PREVIOUS to the old ones), then exits.
 */
public final class DataMain {
  private DataMain() {}

  public static void main(String[] args) {
    if (args.length > 0 && "rewrap".equals(args[0])) {
      rewrap();
      return;
    }
    NodeLauncher.run("data-service", Addresses.DATA_PING, settings -> new DataVerticle());
  }

  /** Exit 0 when every row is under the current KEK, 1 (with the reason) otherwise. */
  private static void rewrap() {
    Vertx vertx = Vertx.vertx();
    int code = 0;
    try {
      Settings settings = ConfigLoader.load(vertx).await();
      KeyWrapper wrapper = KekSource.load(settings);
      var pool = Database.open(vertx, settings, "data").await();
      int n = new Rewrap(new KeyStore(pool), wrapper).all().await();
      System.out.println("Re-wrapped " + n + " key(s) under KEK '" + wrapper.currentId() + "'");
    } catch (RuntimeException e) {
      System.err.println("rewrap failed: " + e.getMessage());
      code = 1;
    } finally {
      vertx.close().await();
    }
    System.exit(code);
  }
}
