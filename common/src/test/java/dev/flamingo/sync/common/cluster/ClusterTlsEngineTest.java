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

/** The bus's TLS engine: the JDK's by default, the bundled BoringSSL (linux-x86_64) on request. */
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
  void boringSslIsBundledAndOnRequest() throws Exception {
    assertTrue(OpenSSLEngineOptions.isAvailable(), "netty-tcnative-boringssl-static for this platform is on the classpath");
    assertInstanceOf(OpenSSLEngineOptions.class, configured("OpenSSL").getSslEngineOptions());
  }

  @Test
  void theJdksEngineByDefault() throws Exception {
    assertInstanceOf(JdkSSLEngineOptions.class, configured(null).getSslEngineOptions());
    assertInstanceOf(JdkSSLEngineOptions.class, configured("jdk").getSslEngineOptions());
  }

  @Test
  void anUnknownEngineStopsTheNode() {
    assertThrows(IllegalStateException.class, () -> configured("gnutls"));
  }
}
