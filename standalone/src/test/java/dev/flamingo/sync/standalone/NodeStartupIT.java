package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A service started from its jar as a clustered node without the cluster's certificates refuses to start. */
class NodeStartupIT {
  @Test
  void aServiceWithoutCertificatesExitsWithOneLineNamingTheSetting() throws Exception {
    Path logs = Path.of("target", "processes");
    Map<String, String> env = Map.of(
        "FLAMINGO_CLUSTER_INSECURE", "false",
        "FLAMINGO_CLUSTER_NAME", "refused-" + System.nanoTime(),
        "FLAMINGO_CLUSTER_HOST", "127.0.0.1",
        "FLAMINGO_CLUSTER_PORT", String.valueOf(TestCluster.freePort()),
        "FLAMINGO_DB_URL", "postgresql://postgres@127.0.0.1:1/none");
    try (ServiceProcesses processes = new ServiceProcesses(env, logs)) {
      Files.deleteIfExists(logs.resolve("no-certs.log"));
      Process p = processes.start("no-certs", "data-service", Map.of());
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the node must exit, not hang");
      assertEquals(1, p.exitValue());
      String log = Files.readString(logs.resolve("no-certs.log"));
      assertTrue(log.contains("FLAMINGO_CLUSTER_TLS_DIR is not set"), log);
      assertTrue(!log.contains("joined the cluster"), log);
    }
  }
}
