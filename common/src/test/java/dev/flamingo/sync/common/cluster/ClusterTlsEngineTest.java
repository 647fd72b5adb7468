package dev.flamingo.sync.common.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bus's TLS is the JDK's, always: BoringSSL (netty-tcnative) is not shipped any more (bus replies stalled
 * 10 s in the compose stack with it, and the bench measured the cluster no faster with it). A node that still
 * sets {@code FLAMINGO_CLUSTER_TLS_ENGINE} starts, on the JDK's TLS.
 */
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
  void theJdksEngineWhateverTheRetiredSettingSays() throws Exception {
    for (String engine : new String[] {null, "jdk", "openssl", "OpenSSL", "gnutls"}) {
      assertInstanceOf(JdkSSLEngineOptions.class, configured(engine).getSslEngineOptions(), String.valueOf(engine));
    }
  }

  @Test
  void boringSslIsNotShipped() {
    assertFalse(OpenSSLEngineOptions.isAvailable(), "netty-tcnative-boringssl-static is on the classpath");
  }
}
