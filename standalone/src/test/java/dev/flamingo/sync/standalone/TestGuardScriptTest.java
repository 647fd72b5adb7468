package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/test} and {@code .ci/run} refuse to pass when told to leave tests out: a FLAMINGO_TEST_SKIP_* variable
 * under CI=true, or Maven told to skip tests or ignore their failures (arguments, MAVEN_OPTS, MAVEN_ARGS,
 * .mvn/maven.config). The refusal is one line and a non-zero exit, before anything runs: the real scripts run here in
 * a copy of the layout, with a stand-in {@code mvn} on the PATH that leaves a mark if it is ever called.
 */
class TestGuardScriptTest {
  @TempDir
  Path dir;

  record Result(int exit, String stdout, String stderr) {
    List<String> errorLines() {
      return stderr.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  @BeforeEach
  void layout() throws Exception {
    Files.createDirectories(dir.resolve("bin/lib"));
    Files.createDirectories(dir.resolve(".ci"));
    copy(Path.of("..", "bin", "test"), dir.resolve("bin/test"));
    copy(Path.of("..", ".ci", "run"), dir.resolve(".ci/run"));
    try (var libs = Files.list(Path.of("..", "bin", "lib"))) {
      for (Path lib : libs.filter(p -> p.toString().endsWith(".sh")).toList()) {
        copy(lib, dir.resolve("bin/lib").resolve(lib.getFileName()));
      }
    }
    Files.writeString(dir.resolve("README.md"), "<!-- test-command -->\n```\nbin/test\n```\n<!-- /test-command -->\n");
    Path fakes = Files.createDirectories(dir.resolve("fakes"));
    write(fakes.resolve("mvn"), "#!/bin/sh\n: > \"" + dir.resolve("mvn-ran") + "\"\nexit 0\n");
  }

  private static void copy(Path from, Path to) throws Exception {
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static void write(Path file, String text) throws Exception {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Runs {@code command} in the layout with a clean environment (no CI, no skip variable) plus {@code env}. */
  private Result run(Map<String, String> env, String... command) throws Exception {
    Path fakes = dir.resolve("fakes");
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.equals("CI") || k.startsWith("FLAMINGO_TEST_SKIP_")
        || k.equals("MAVEN_OPTS") || k.equals("MAVEN_ARGS"));
    pb.environment().put("PATH", fakes + ":" + System.getenv("PATH"));
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script must not hang");
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  private void assertRefused(Result r, String mentions) {
    assertTrue(r.exit != 0, "must not pass: " + r);
    assertEquals(1, r.errorLines().size(), "one line: " + r);
    assertTrue(r.errorLines().get(0).startsWith("refused: ") && r.errorLines().get(0).contains(mentions), r.toString());
    assertFalse(Files.exists(dir.resolve("mvn-ran")), "Maven must not run: " + r);
  }

  @Test
  void aSkipVariableUnderCiIsRefusedByBothScripts() throws Exception {
    assertRefused(run(Map.of("CI", "true", "FLAMINGO_TEST_SKIP_BROWSER", "1"), "bash", "bin/test"),
        "FLAMINGO_TEST_SKIP_BROWSER");
    assertRefused(run(Map.of("CI", "true", "FLAMINGO_TEST_SKIP_COMPOSE", "true"), "bash", ".ci/run"),
        "FLAMINGO_TEST_SKIP_COMPOSE");
  }

  @Test
  void mavenToldToSkipOrIgnoreTestsIsRefused() throws Exception {
    assertRefused(run(Map.of(), "bash", "bin/test", "-pl", "gateway", "-DskipTests"), "-DskipTests");
  }

  @Test
  void skipFlagsInMavensEnvironmentOrConfigAreRefusedByCi() throws Exception {
    assertRefused(run(Map.of("CI", "true", "MAVEN_OPTS", "-Xmx1g -Dmaven.test.failure.ignore=true"), "bash", ".ci/run"),
        "maven.test.failure.ignore");
  }

  @Test
  void skipFlagsInMavensConfigFileAreRefused() throws Exception {
    Files.createDirectories(dir.resolve(".mvn"));
    Files.writeString(dir.resolve(".mvn/maven.config"), "-B\n-DskipITs\n");
    assertRefused(run(Map.of(), "bash", "bin/test"), "-DskipITs in .mvn/maven.config");
  }

  /** The check itself (bin/lib/test_guard.sh), word by word: which Maven words and variables it refuses. */
  @Test
  void theCheckRefusesEverySkipAndNothingElse() throws Exception {
    List<String> refused = List.of("-DskipTests", "-DskipTests=true", "-Dmaven.test.skip=true", "-Dmaven.test.skip.exec",
        "-DskipITs", "-Dmaven.test.failure.ignore=true", "-Dsurefire.skip=true", "-Dfailsafe.skipITs", "--fail-never",
        "-fn", "-D skipTests");
    List<String> allowed = List.of("-B", "-DskipTests=false", "-Dmaven.test.skip=false", "-pl gateway -am",
        "-Dtest=SomeTest -Dsurefire.failIfNoSpecifiedTests=false", "-q", "-fae");
    for (String words : refused) {
      Result r = guard(Map.of(), words);
      assertTrue(r.exit != 0 && r.errorLines().size() == 1, words + " must be refused: " + r);
    }
    for (String words : allowed) {
      Result r = guard(Map.of(), words);
      assertEquals(0, r.exit, words + " must pass: " + r);
      assertEquals("", r.stderr, words);
    }
    assertTrue(guard(Map.of("MAVEN_ARGS", "-DskipTests"), "").exit != 0, "MAVEN_ARGS");
    assertEquals(0, guard(Map.of("FLAMINGO_TEST_SKIP_NGINX", "1"), "").exit, "a person may opt out outside CI");
    assertTrue(guard(Map.of("CI", "true", "FLAMINGO_TEST_SKIP_NGINX", "1"), "").exit != 0, "but not CI");
    assertEquals(0, guard(Map.of("CI", "true"), "-B").exit, "CI with nothing left out passes the check");
  }

  private Result guard(Map<String, String> env, String words) throws Exception {
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    List<String> command = new ArrayList<>(List.of("bash", "-uc", ". bin/lib/test_guard.sh; tests_not_skipped " + words));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.equals("CI") || k.startsWith("FLAMINGO_TEST_SKIP_")
        || k.equals("MAVEN_OPTS") || k.equals("MAVEN_ARGS"));
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
