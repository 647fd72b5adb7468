package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The compose cluster's shape: every service, replicas, health checks, restarts, config from env, no baked secrets. */
class ComposeFileTest {
  static final Path COMPOSE = Path.of("..", "docker-compose.yml");
  static final List<String> FLAMINGO = List.of("auth-service", "data-service", "device-service", "gateway");

  @SuppressWarnings("unchecked")
  Map<String, Object> services() throws Exception {
    Map<String, Object> doc = new Yaml().load(Files.readString(COMPOSE));
    return (Map<String, Object>) doc.get("services");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyServiceIsThereWithHealthRestartAndEnvConfig() throws Exception {
    Map<String, Object> services = services();
    for (String name : List.of("postgres", "auth-service", "data-service", "device-service", "gateway", "proxy")) {
      Map<String, Object> s = (Map<String, Object>) services.get(name);
      assertNotNull(s, name);
      assertNotNull(s.get("healthcheck"), name + " healthcheck");
      assertEquals("unless-stopped", s.get("restart"), name + " restart");
    }
    for (String name : FLAMINGO) {
      Map<String, Object> s = (Map<String, Object>) services.get(name);
      Map<String, Object> env = (Map<String, Object>) s.get("environment");
      for (String key : List.of("FLAMINGO_DB_URL", "FLAMINGO_CLUSTER_MEMBERS", "FLAMINGO_CLUSTER_HOST", "FLAMINGO_JWT_SECRET", "FLAMINGO_KEK")) {
        assertNotNull(env.get(key), name + " " + key);
      }
      assertTrue(String.valueOf(env.get("FLAMINGO_JWT_SECRET")).startsWith("${"), "secrets come from the environment");
      assertTrue(String.valueOf(env.get("FLAMINGO_KEK")).startsWith("${"), "secrets come from the environment");
      Map<String, Object> build = (Map<String, Object>) s.get("build");
      assertEquals(name, ((Map<String, Object>) build.get("args")).get("SERVICE"), name + " image builds its own jar");
    }
    Map<String, Object> gateway = (Map<String, Object>) services.get("gateway");
    int replicas = (Integer) ((Map<String, Object>) gateway.get("deploy")).get("replicas");
    assertTrue(replicas >= 2, "two or more gateways");
    assertTrue(String.valueOf(((Map<String, Object>) services.get("proxy")).get("ports")).contains("8080"));
    Map<String, Object> postgres = (Map<String, Object>) services.get("postgres");
    assertTrue(String.valueOf(postgres.get("volumes")).contains("pgdata:"), "a volume for the database");
  }

  @Test
  void dockerComposeAcceptsTheFile() throws Exception {
    if (!new File("/usr/bin/docker").canExecute()) {
      return; // the docker CLI is not installed here: the structure test above still ran
    }
    Process probe = new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true).start();
    if (!probe.waitFor(20, TimeUnit.SECONDS) || probe.exitValue() != 0) {
      return; // a docker CLI without the compose plugin
    }
    ProcessBuilder config = new ProcessBuilder("docker", "compose", "-f", COMPOSE.toString(), "config", "-q")
        .redirectErrorStream(true);
    config.environment().putAll(Map.of("POSTGRES_PASSWORD", "x", "FLAMINGO_JWT_SECRET", "y", "FLAMINGO_KEK", "z"));
    Process p = config.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
  }
}
