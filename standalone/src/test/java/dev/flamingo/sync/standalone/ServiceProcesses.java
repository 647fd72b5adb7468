package dev.flamingo.sync.standalone;

import dev.flamingo.sync.testing.TestCluster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts services from their packaged fat jars as separate JVMs, each a clustered node on loopback. The
 * event bus runs mutual TLS with the test certificates unless the env names other ones (or none).
 */
final class ServiceProcesses implements AutoCloseable {
  private final Map<String, String> env;
  private final Path logs;
  private final List<Process> started = new ArrayList<>();

  ServiceProcesses(Map<String, String> env, Path logs) throws IOException {
    this.env = new HashMap<>(env);
    if (!env.containsKey("FLAMINGO_CLUSTER_TLS_DIR") && !env.containsKey("FLAMINGO_CLUSTER_INSECURE")) {
      this.env.put("FLAMINGO_CLUSTER_TLS_DIR", TestCluster.certificates().toString());
    }
    this.logs = logs;
    Files.createDirectories(logs);
  }

  static Path jar(String module) {
    Path jar = Path.of("..", module, "target", module + "-0.1.0-SNAPSHOT-fat.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run 'mvn verify' (the jars are built in the package phase)");
    }
    return jar;
  }

  /** Starts {@code module} with the shared env plus {@code extra}; its output goes to target/processes/<name>.log. */
  Process start(String name, String module, Map<String, String> extra) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-jar"); // as operators run it: Hazelcast's --add-opens come from the jar's manifest
    command.add(jar(module).toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(logs.toFile(), name + ".log")));
    Map<String, String> e = new HashMap<>(env);
    e.putAll(extra);
    pb.environment().putAll(e);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  @Override
  public void close() {
    for (Process p : started) {
      p.destroy();
    }
    for (Process p : started) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
