package dev.flamingo.sync.common.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the configuration: built-in defaults (in {@link Settings}), then an optional JSON file named by
 * {@code FLAMINGO_CONFIG_FILE}, then environment variables; later sources win.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** For a {@code main}: loads the settings on a short-lived Vert.x of its own, blocking until they are read. */
  public static Settings loadBlocking() {
    Vertx bootstrap = Vertx.vertx();
    try {
      return load(bootstrap).await();
    } finally {
      bootstrap.close().await();
    }
  }

  public static Future<Settings> load(Vertx vertx) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false);
    String file = Setting.CONFIG_FILE.fromEnvironment();
    if (file != null && !file.isBlank()) {
      if (!Files.isReadable(Path.of(file))) {
        return Future.failedFuture("Config file " + file + " (from " + Setting.CONFIG_FILE.key() + ") is not readable");
      }
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
          .setConfig(new JsonObject().put("path", file)));
    }
    options.addStore(new ConfigStoreOptions().setType("env"));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig().map(json -> {
      // Vert.x's env store reads a value that looks like a number, a boolean or JSON as one (a password of digits
      // would become 1.2E23): the database password is kept exactly as the environment holds it
      String password = System.getenv(Setting.DB_PASSWORD.key());
      if (password != null && !password.isEmpty()) {
        json.put(Setting.DB_PASSWORD.key(), password);
      }
      return new Settings(json);
    }).onComplete(ar -> retriever.close());
  }
}
