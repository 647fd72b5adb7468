package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/standalone} when the jar is stale: it builds with Maven, whose output (Debian's Maven 3.8 writes
 * ANSI escapes even in batch mode) reaches the person without any escape and on stderr, so that stdout is the
 * server's alone (JSON lines with FLAMINGO_LOG_FORMAT=JSON); a failed build stops it. Maven and Java are
 * stand-ins on the PATH here, the script is the real one (in a copy of the layout with no jar).
 */
class StandaloneScriptBuildOutputTest {
  static final String ESC = "\u001b";

  @Test
  void theBuildPrintsNoColourOnStderrAndStdoutIsTheServers(@TempDir Path dir) throws Exception {
    Path fakes = layout(dir, 0);
    Result r = run(dir, fakes);
    assertEquals(0, r.exit, r.toString());
    assertEquals("{\"server\":\"started\"}\n", r.stdout, "stdout is the server's only: " + r);
    assertTrue(r.stderr.contains("mvn -B -q -Dstyle.color=never -DskipTests package"), r.toString());
    assertTrue(r.stderr.contains("[INFO] building") && r.stderr.contains("[ERROR] on stderr"), "Maven's output is shown: " + r);
    assertFalse(r.stdout.contains(ESC) || r.stderr.contains(ESC), "an ANSI escape in the output: " + r.stderr.replace(ESC, "<ESC>"));
  }

  @Test
  void aFailedBuildStopsTheScript(@TempDir Path dir) throws Exception {
    Path fakes = layout(dir, 1);
    Result r = run(dir, fakes);
    assertNotEquals(0, r.exit, r.toString());
    assertFalse(r.stdout.contains("started"), "the server must not start after a failed build: " + r);
    assertTrue(r.stderr.contains("[ERROR] on stderr"), r.toString());
  }

  /** bin/standalone in a copy of the layout without a jar, and stand-ins for mvn (exiting with {@code mvnExit}) and java. */
  static Path layout(Path dir, int mvnExit) throws Exception {
    Files.createDirectories(dir.resolve("bin"));
    Path script = Files.copy(Path.of("..", "bin", "standalone"), dir.resolve("bin/standalone"));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path fakes = Files.createDirectories(dir.resolve("fakes"));
    write(fakes.resolve("mvn"), "#!/bin/sh\n"
        + "echo \"mvn $*\"\n"
        + "printf '\\033[0m\\033[1m[INFO]\\033[0m building\\033[0m\\n'\n"
        + "printf '\\033[1;31m[ERROR]\\033[m on stderr\\n' >&2\n"
        + (mvnExit == 0 ? "mkdir -p standalone/target && : > standalone/target/standalone-0.1.0-SNAPSHOT-fat.jar\n" : "")
        + "exit " + mvnExit + "\n");
    write(fakes.resolve("java"), "#!/bin/sh\necho '{\"server\":\"started\"}'\n");
    return fakes;
  }

  static void write(Path file, String text) throws Exception {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  record Result(int exit, String stdout, String stderr) {}

  static Result run(Path dir, Path fakes) throws Exception {
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    ProcessBuilder pb = new ProcessBuilder(List.of("bash", dir.resolve("bin/standalone").toString()))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("PATH", fakes + ":" + System.getenv("PATH"));
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/standalone must not hang");
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
