package dev.flamingo.sync.common.cluster;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bus's TLS engine: BoringSSL by default (bundled for linux-x86_64), the JDK's on request. */
class ClusterTlsEngineTest {
  @TempDir
  Path dir;

  private EventBusOptions configured(String engine) throws Exception {
    for (String name : new String[] {ClusterTls.CA, ClusterTls.CERT, ClusterTls.KEY}) {
      Files.writeString(dir.resolve(name), "");
    }
    JsonObject config = new JsonObject().put(Settings.CLUSTER_TLS_DIR, dir.toString());
    if (engine != null) {
      config.put(Settings.CLUSTER_TLS_ENGINE, engine);
    }
    EventBusOptions bus = new EventBusOptions();
    ClusterTls.configure(bus, new Settings(config));
    return bus;
  }

  @Test
  void boringSslIsBundledAndTheDefault() throws Exception {
    assertTrue(OpenSSLEngineOptions.isAvailable(), "netty-tcnative-boringssl-static for this platform is on the classpath");
    assertInstanceOf(OpenSSLEngineOptions.class, configured(null).getSslEngineOptions());
  }

  @Test
  void theJdksEngineOnRequest() throws Exception {
    assertInstanceOf(JdkSSLEngineOptions.class, configured("JDK").getSslEngineOptions());
  }

  @Test
  void anUnknownEngineStopsTheNode() {
    assertThrows(IllegalStateException.class, () -> configured("gnutls"));
  }
}
