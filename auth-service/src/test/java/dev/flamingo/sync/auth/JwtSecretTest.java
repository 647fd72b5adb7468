package dev.flamingo.sync.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the browser-login key comes from: the config, else a 0600 file in the secrets directory, else no start. */
class JwtSecretTest {
  private static Settings settings(String key, String value) {
    return new Settings(new JsonObject().put(key, value));
  }

  @Test
  void aConfiguredSecretIsUsedAndMustBeLongEnough() {
    String secret = "s".repeat(32);
    assertEquals(secret, AuthVerticle.jwtSecret(settings(Settings.JWT_SECRET, secret)));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> AuthVerticle.jwtSecret(settings(Settings.JWT_SECRET, "s".repeat(31))));
    assertTrue(e.getMessage().contains("at least 32"), e.getMessage());
    assertTrue(!e.getMessage().contains("sssss"), "the secret is not echoed");
  }

  @Test
  void withoutASecretOneIsCreatedOnceInTheSecretsDirectory(@TempDir Path dir) throws Exception {
    Path home = dir.resolve("secrets");
    String first = AuthVerticle.jwtSecret(settings(Settings.SECRETS_DIR, home.toString()));
    assertTrue(first.matches("^[0-9a-f]{64}$"), "64 hex characters");
    Path file = home.resolve("jwt-secret");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(first, Files.readString(file).trim());
    assertEquals(first, AuthVerticle.jwtSecret(settings(Settings.SECRETS_DIR, home.toString())));
  }

  @Test
  void withNeitherTheServiceDoesNotStart() {
    Vertx vertx = Vertx.vertx();
    try {
      RuntimeException e = assertThrows(RuntimeException.class, () -> vertx.deployVerticle(new AuthVerticle(),
          new DeploymentOptions().setConfig(new JsonObject())).await());
      assertTrue(e.getMessage().contains(Settings.JWT_SECRET), e.getMessage());
    } finally {
      vertx.close().await();
    }
  }
}
