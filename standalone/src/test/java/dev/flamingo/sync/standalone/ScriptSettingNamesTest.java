package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server refuses an unknown {@code FLAMINGO_*} name at start (issue 26). Every name the scripts, the compose
 * files, the images and the main code use must therefore be a declared {@link Setting} or one the server knows is
 * not its own ({@link Setting#notAServerSetting}): else an operator who exports it for a script stops the server.
 */
class ScriptSettingNamesTest {
  static final Path ROOT = Path.of("..");
  static final Pattern NAME = Pattern.compile("FLAMINGO_[A-Z0-9_]+");

  @Test
  void everyNameTheScriptsAndImagesUseIsKnownToTheServer() throws IOException {
    TreeSet<String> unknown = new TreeSet<>();
    int seen = 0;
    for (Path file : files()) {
      Matcher m = NAME.matcher(Files.readString(file));
      while (m.find()) {
        seen++;
        String name = m.group();
        if (name.endsWith("_")) {
          continue; // a prefix (FLAMINGO_TEST_, FLAMINGO_CHECK_), not a name
        }
        if (Setting.byKey(name).isEmpty() && !Setting.notAServerSetting(name)) {
          unknown.add(name + " (" + ROOT.relativize(file) + ")");
        }
      }
    }
    assertTrue(seen > 100, "found only " + seen + " FLAMINGO_* names: the scan missed the scripts");
    assertEquals(List.of(), List.copyOf(unknown), "names the server would refuse at start");
  }

  /** bin/, bench/, deploy/, the compose files, the Dockerfile, .ci/ and every module's main code. */
  static List<Path> files() throws IOException {
    Set<String> roots = Set.of("bin", "bench", "deploy", ".ci");
    try (Stream<Path> all = Files.walk(ROOT, 12)) {
      return all.filter(Files::isRegularFile).filter(p -> {
        Path rel = ROOT.relativize(p);
        String s = rel.toString();
        if (s.contains("/target/") || s.startsWith(".git/") || s.endsWith(".md")) {
          return false;
        }
        return roots.contains(rel.getName(0).toString()) || s.startsWith("docker-compose") || s.equals("Dockerfile")
            || s.contains("/src/main/");
      }).filter(p -> {
        try {
          Files.readString(p);
          return true;
        } catch (IOException | UncheckedIOException e) {
          return false; // not text
        }
      }).toList();
    }
  }
}
