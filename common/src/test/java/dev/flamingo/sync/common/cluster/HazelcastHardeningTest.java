package dev.flamingo.sync.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.Serializable;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.BadAttributeValueExpException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Hazelcast's membership has no authentication in the open-source edition: a node reads Java-serialized objects
 * only of the classes the cluster needs, and says at start when it listens on a public address.
 */
class HazelcastHardeningTest {
  /** A value of ours, Java-serialized. */
  record Counted(String key, long count) implements Serializable {}

  @Test
  void aNodeRefusesToDeserializeAClassOffItsListAndReadsTheClusterOwn() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    JsonObject config = new JsonObject()
        .put(Settings.CLUSTER_NAME, "filter-" + UUID.randomUUID())
        .put(Settings.CLUSTER_HOST, "127.0.0.1")
        .put(Settings.CLUSTER_PORT, port)
        .put(Settings.CLUSTER_INSECURE, "true");
    Logger logger = (Logger) LoggerFactory.getLogger(ClusterBootstrap.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    Vertx vertx;
    try {
      vertx = ClusterBootstrap.start(new Settings(config)).await();
    } finally {
      logger.detachAppender(lines);
    }
    try {
      assertTrue(lines.list.stream().noneMatch(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("public")),
          "a node on 127.0.0.1 warned about a public address: " + lines.list);
      HazelcastClusterManager manager = (HazelcastClusterManager) ((VertxInternal) vertx).clusterManager();
      SerializationService serialization =
          ((SerializationServiceSupport) manager.getHazelcastInstance()).getSerializationService();

      // java.net.URL: the classic gadget (its hashCode looks the host up); javax.*: outside the list too
      for (Object gadget : new Object[] {URI.create("http://gadget.example/").toURL(),
          new BadAttributeValueExpException("x")}) {
        Data data = serialization.toData(gadget);
        HazelcastSerializationException refused =
            assertThrows(HazelcastSerializationException.class, () -> serialization.toObject(data));
        assertTrue(String.valueOf(refused.getCause()).contains("Resolving class " + gadget.getClass().getName()
            + " is not allowed"), String.valueOf(refused.getCause()));
      }
      // a list holding one: the element's class is checked too
      List<Object> wrapped = new ArrayList<>(List.of(URI.create("http://gadget.example/").toURL()));
      assertThrows(HazelcastSerializationException.class,
          () -> serialization.toObject(serialization.toData(new ConcurrentHashMap<>(Map.of("k", wrapped)))));

      // what the cluster itself uses still reads
      Counted ours = new Counted("login:abc", 3);
      assertEquals(ours, serialization.toObject(serialization.toData(ours)));
      ConcurrentHashMap<String, Long> basics = new ConcurrentHashMap<>(Map.of("a", 1L));
      assertEquals(basics, serialization.toObject(serialization.toData(basics)));
      assertEquals(new BigDecimal("1.5"), serialization.toObject(serialization.toData(new BigDecimal("1.5"))));
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aPublicClusterAddressIsWarnedAboutAndAPrivateOneIsNot() {
    for (String quiet : new String[] {"127.0.0.1", "127.0.1.1", "::1", "10.0.0.5", "172.16.0.1", "172.31.255.254",
        "192.168.1.10", "100.64.0.1", "169.254.10.1", "fd12:3456::1", "fe80::1", "[::1]"}) {
      assertEquals(Optional.empty(), ClusterBootstrap.publicAddressWarning(quiet), quiet);
    }
    for (String loud : new String[] {"203.0.113.5", "8.8.8.8", "172.32.0.1", "100.128.0.1", "0.0.0.0",
        "2001:db8::5", "::"}) {
      String warning = ClusterBootstrap.publicAddressWarning(loud).orElse("");
      assertTrue(warning.contains("public address") && warning.contains("Firewall the cluster ports"), loud + ": " + warning);
    }
    assertFalse(ClusterBootstrap.publicAddressWarning("203.0.113.5").orElseThrow().contains("127.0.0.1"));
  }
}
