package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.testing.RequiredTool;
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
      // the database password apart from the URL: a raw /, @ or # in it would make the URL unreadable
      assertFalse(String.valueOf(env.get("FLAMINGO_DB_URL")).contains("$"), name + " FLAMINGO_DB_URL holds no password");
      assertTrue(String.valueOf(env.get("FLAMINGO_DB_PASSWORD")).startsWith("${POSTGRES_PASSWORD"),
          name + " FLAMINGO_DB_PASSWORD comes from POSTGRES_PASSWORD");
      assertTrue(String.valueOf(env.get("FLAMINGO_KEK")).startsWith("${"), "secrets come from the environment");
      Map<String, Object> build = (Map<String, Object>) s.get("build");
      assertEquals(name, ((Map<String, Object>) build.get("args")).get("SERVICE"), name + " image builds its own jar");
      // the event bus runs mutual TLS: every service gets the cluster's certificates, read-only
      String tlsDir = String.valueOf(env.get("FLAMINGO_CLUSTER_TLS_DIR"));
      assertTrue(tlsDir.startsWith("/"), name + " FLAMINGO_CLUSTER_TLS_DIR");
      assertTrue(String.valueOf(s.get("volumes")).contains(":" + tlsDir + ":ro"), name + " mounts the certificates read-only");
      assertEquals(null, env.get("FLAMINGO_CLUSTER_INSECURE"), name + " never runs an open bus");
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
    List<String> compose = composeCommand();
    RequiredTool.require(compose != null, "FLAMINGO_TEST_SKIP_COMPOSE",
        "ComposeFileTest needs docker-compose or 'docker compose': apt-get install docker-compose");
    List<String> command = new java.util.ArrayList<>(compose);
    command.addAll(List.of("-f", COMPOSE.toString(), "config", "-q"));
    ProcessBuilder config = new ProcessBuilder(command).redirectErrorStream(true);
    config.environment().putAll(Map.of("POSTGRES_PASSWORD", "p/@#:x+Tr0ub4dor", "FLAMINGO_JWT_SECRET", "y",
        "FLAMINGO_KEK", "z"));
    Process p = config.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    // and it refuses to start without the secrets: nothing is baked in
    ProcessBuilder bare = new ProcessBuilder(command).redirectErrorStream(true);
    bare.environment().remove("FLAMINGO_JWT_SECRET");
    bare.environment().remove("FLAMINGO_KEK");
    bare.environment().remove("POSTGRES_PASSWORD");
    Process q = bare.start();
    q.getInputStream().readAllBytes();
    assertTrue(q.waitFor(60, TimeUnit.SECONDS));
    assertTrue(q.exitValue() != 0, "compose must refuse to run without the secrets");
  }

  @Test
  void theTlsOverrideMountsTheTlsConfigurationAndPublishesHttps() throws Exception {
    List<String> compose = composeCommand();
    RequiredTool.require(compose != null, "FLAMINGO_TEST_SKIP_COMPOSE",
        "ComposeFileTest needs docker-compose or 'docker compose': apt-get install docker-compose");
    List<String> command = new java.util.ArrayList<>(compose);
    command.addAll(List.of("--compatibility", "-f", COMPOSE.toString(), "-f", Path.of("..", "docker-compose.tls.yml").toString(), "config"));
    ProcessBuilder config = new ProcessBuilder(command).redirectErrorStream(true);
    config.environment().putAll(Map.of("POSTGRES_PASSWORD", "x", "FLAMINGO_JWT_SECRET", "y", "FLAMINGO_KEK", "z",
        "FLAMINGO_TLS_CERT", "/etc/ssl/flamingo/fullchain.pem", "FLAMINGO_TLS_KEY", "/etc/ssl/flamingo/privkey.pem"));
    Process p = config.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    for (String expected : List.of("nginx-tls.conf", "/etc/nginx/conf.d/default.conf", "/etc/ssl/flamingo/fullchain.pem",
        "/etc/nginx/tls/fullchain.pem", "/etc/ssl/flamingo/privkey.pem", "/etc/nginx/tls/privkey.pem", "8443")) {
      assertTrue(out.contains(expected), "the merged file lacks " + expected + ":\n" + out);
    }
    assertFalse(out.contains("deploy/nginx.conf"), "the TLS configuration replaces the plain one:\n" + out);
    // and without a certificate it refuses to start
    ProcessBuilder bare = new ProcessBuilder(command).redirectErrorStream(true);
    bare.environment().putAll(Map.of("POSTGRES_PASSWORD", "x", "FLAMINGO_JWT_SECRET", "y", "FLAMINGO_KEK", "z"));
    bare.environment().remove("FLAMINGO_TLS_CERT");
    Process q = bare.start();
    String refused = new String(q.getInputStream().readAllBytes());
    assertTrue(q.waitFor(60, TimeUnit.SECONDS));
    assertTrue(q.exitValue() != 0 && refused.contains("FLAMINGO_TLS_CERT"), refused);
  }

  @Test
  void dockerignoreKeepsSecretsAndBuildOutputOutOfImages() throws Exception {
    Path ignore = Path.of("..", ".dockerignore");
    assertTrue(Files.exists(ignore), "a .dockerignore beside the Dockerfile (it COPYs the whole tree)");
    List<String> lines = Files.readAllLines(ignore).stream().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    for (String required : List.of(".git", ".env", "**/.env", "target/", "**/target/", "secrets/", "**/secrets/",
        ".flamingo/", "**/*.tar", "**/*.pem", "**/*.key")) {
      assertTrue(lines.contains(required), ".dockerignore lacks " + required + ": " + lines);
    }
    assertFalse(lines.stream().anyMatch(l -> l.startsWith("!")), "no exceptions that let a secret back in: " + lines);
  }

  @Test
  @SuppressWarnings("unchecked")
  void imagesComeFromAnyBaseWithThePublicOnesByDefault() throws Exception {
    List<String> dockerfile = Files.readAllLines(Path.of("..", "Dockerfile"));
    int firstFrom = dockerfile.indexOf(dockerfile.stream().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow());
    List<String> args = dockerfile.subList(0, firstFrom);
    assertTrue(args.contains("ARG BASE_IMAGE=eclipse-temurin:17-jre"), "base image is a build argument: " + args);
    assertTrue(args.contains("ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17"), "builder image is a build argument: " + args);
    assertTrue(dockerfile.contains("FROM ${BUILD_IMAGE} AS build") && dockerfile.contains("FROM ${BASE_IMAGE}"));
    // the image from jars built on the host runs them exactly as the Dockerfile's image does
    List<String> prebuilt = Files.readAllLines(Path.of("..", "deploy", "images", "service.Containerfile"));
    for (String line : dockerfile) {
      if (line.startsWith("ENTRYPOINT") || line.startsWith("USER") || line.startsWith("RUN useradd")) {
        assertTrue(prebuilt.contains(line), "service.Containerfile lacks: " + line);
      }
    }
    Map<String, Object> services = services();
    assertEquals("${FLAMINGO_POSTGRES_IMAGE:-postgres:15-alpine}", ((Map<String, Object>) services.get("postgres")).get("image"));
    assertEquals("${FLAMINGO_NGINX_IMAGE:-nginx:1.27-alpine}", ((Map<String, Object>) services.get("proxy")).get("image"));
    for (String name : FLAMINGO) {
      Map<String, Object> buildArgs = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) services.get(name))
          .get("build")).get("args");
      assertEquals("${FLAMINGO_BASE_IMAGE:-eclipse-temurin:17-jre}", buildArgs.get("BASE_IMAGE"), name);
      assertEquals("${FLAMINGO_BUILD_IMAGE:-maven:3.9-eclipse-temurin-17}", buildArgs.get("BUILD_IMAGE"), name);
    }
  }

  /** The compose v2 plugin, else compose v1 (Debian's docker-compose), else null. */
  static List<String> composeCommand() throws Exception {
    if (new File("/usr/bin/docker").canExecute()) {
      Process probe = new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      if (probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0) {
        return List.of("docker", "compose");
      }
    }
    return new File("/usr/bin/docker-compose").canExecute() ? List.of("docker-compose") : null;
  }
}
