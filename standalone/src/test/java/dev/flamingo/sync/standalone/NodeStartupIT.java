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

  /** A bad value stops a node before it joins anything: one line naming the variable, exit 2 (not a hang). */
  @Test
  void aBadSettingStopsTheNodeInOneLineNamingTheVariable() throws Exception {
    Path logs = Path.of("target", "processes");
    Map<String, String> bad = Map.of(
        "FLAMINGO_SIGNUPS_ALLOWED", "FLAMINGO_SIGNUPS_ALLOWED=yep is not a yes/no value",
        "FLAMINGO_MAX_BODY_BYTES", "FLAMINGO_MAX_BODY_BYTES=ten megs is not a size",
        "FLAMINGO_DB_URL", "FLAMINGO_DB_URL=jdbc:postgresql://postgres:***@127.0.0.1:5432/x is a JDBC URL");
    Map<String, String> values = Map.of("FLAMINGO_SIGNUPS_ALLOWED", "yep", "FLAMINGO_MAX_BODY_BYTES", "ten megs",
        "FLAMINGO_DB_URL", "jdbc:postgresql://postgres:secret@127.0.0.1:5432/x");
    for (var e : bad.entrySet()) {
      Map<String, String> env = new java.util.HashMap<>(Map.of(
          "FLAMINGO_CLUSTER_NAME", "bad-setting-" + System.nanoTime(),
          "FLAMINGO_CLUSTER_HOST", "127.0.0.1",
          "FLAMINGO_CLUSTER_PORT", String.valueOf(TestCluster.freePort())));
      env.put(e.getKey(), values.get(e.getKey()));
      String name = "bad-" + e.getKey().toLowerCase();
      try (ServiceProcesses processes = new ServiceProcesses(env, logs)) {
        Files.deleteIfExists(logs.resolve(name + ".log"));
        Process p = processes.start(name, "auth-service", Map.of());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the node must exit, not hang");
        assertEquals(2, p.exitValue());
        String log = Files.readString(logs.resolve(name + ".log"));
        assertTrue(log.contains("auth-service cannot start: " + e.getValue()), log);
        assertTrue(!log.contains("secret") && !log.contains("\tat "), "no password, no stack trace: " + log);
      }
    }
  }
}
