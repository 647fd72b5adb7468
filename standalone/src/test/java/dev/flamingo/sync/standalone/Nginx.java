package dev.flamingo.sync.standalone;

import dev.flamingo.sync.testing.RequiredTool;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** A real nginx (Debian's) run in the foreground from a directory of the test's, with one site's configuration. */
final class Nginx {
  static final String BINARY = "/usr/sbin/nginx";

  private Nginx() {
  }

  /** Fails (or skips with FLAMINGO_TEST_SKIP_NGINX) when nginx is missing; {@code who} names the test. */
  static void require(String who) {
    RequiredTool.require(new File(BINARY).canExecute(), "FLAMINGO_TEST_SKIP_NGINX",
        who + " needs " + BINARY + ": apt-get install nginx-light");
  }

  /**
   * Writes {@code site} as dir/site.conf inside a main configuration that keeps every file in {@code dir}, and starts
   * nginx on it (output in dir/stdout.log). The caller waits for its port.
   */
  static Process start(Path dir, String site) throws IOException {
    Files.writeString(dir.resolve("site.conf"), site);
    String d = dir.toString();
    Files.writeString(dir.resolve("nginx.conf"), "worker_processes 1;\npid " + d + "/nginx.pid;\nerror_log " + d
        + "/error.log;\nevents { worker_connections 64; }\nhttp {\n  access_log " + d + "/default.log;\n"
        + "  client_body_temp_path " + d + "/body; proxy_temp_path " + d + "/proxy; fastcgi_temp_path " + d + "/f;\n"
        + "  uwsgi_temp_path " + d + "/u; scgi_temp_path " + d + "/s;\n  include " + d + "/site.conf;\n}\n");
    return new ProcessBuilder(BINARY, "-p", d, "-c", d + "/nginx.conf", "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
  }

  /** Stops {@code nginx} (null: not started) and deletes its directory {@code dir} (null: none). */
  static void stop(Process nginx, Path dir) throws IOException, InterruptedException {
    if (nginx != null) {
      nginx.destroy();
      nginx.waitFor();
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
