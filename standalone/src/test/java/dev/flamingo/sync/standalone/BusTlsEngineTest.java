package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bus's two TLS engines speak to each other: during a rolling upgrade (or with one platform where
 * BoringSSL does not load) a node on the JDK's TLS and one on BoringSSL must still exchange requests.
 */
class BusTlsEngineTest {
  private final TestCluster cluster = new TestCluster(2);

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void aJdkNodeAndABoringSslNodeAnswerEachOther() {
    Vertx jdk = cluster.startNode(0, new JsonObject().put(Settings.CLUSTER_TLS_ENGINE, "jdk"));
    Vertx openssl = cluster.startNode(1, new JsonObject().put(Settings.CLUSTER_TLS_ENGINE, "openssl"));
    jdk.eventBus().<String>consumer("test.engine.jdk", m -> m.reply("jdk:" + m.body())).completion().await();
    openssl.eventBus().<String>consumer("test.engine.openssl", m -> m.reply("openssl:" + m.body())).completion().await();
    DeliveryOptions patient = new DeliveryOptions().setSendTimeout(30_000);
    String blob = "x".repeat(64 * 1024); // several TLS records
    // a consumer's completion means its subscription is in Hazelcast's map: the other node sees it
    assertEquals("jdk:" + blob, openssl.eventBus().<String>request("test.engine.jdk", blob, patient).await().body());
    assertEquals("openssl:" + blob, jdk.eventBus().<String>request("test.engine.openssl", blob, patient).await().body());
  }
}
