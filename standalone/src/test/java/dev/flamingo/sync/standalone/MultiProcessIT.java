package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each service as its own JVM from its packaged jar, two gateways and two data-services clustered
 * over loopback. Sync runs through both gateways while one data-service is killed with SIGKILL:
 * reads keep succeeding, no acknowledged write is lost; the killed one restarts, rejoins and takes
 * over when the other goes too; a gateway stopped with SIGTERM exits 0.
 */
// longer than the 5-minute default (junit-platform.properties): the whole scenario is one method: six JVMs started, killed and restarted
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class MultiProcessIT {
  @Test
  void syncSurvivesAKilledDataServiceThatThenRejoins() throws Exception {
    int[] cluster = new int[6];
    for (int i = 0; i < cluster.length; i++) {
      cluster[i] = TestCluster.freePort();
    }
    int http1 = TestCluster.freePort();
    int http2 = TestCluster.freePort();
    int ops1 = TestCluster.freePort();
    int ops2 = TestCluster.freePort();
    Vertx vertx = Vertx.vertx();
    try (TestDatabase db = TestDatabase.create()) {
      Map<String, String> env = new HashMap<>();
      env.put("FLAMINGO_DB_URL", db.url());
      env.put("FLAMINGO_CLUSTER_NAME", "flamingo-it-" + UUID.randomUUID().toString().substring(0, 8));
      env.put("FLAMINGO_CLUSTER_HOST", "127.0.0.1");
      env.put("FLAMINGO_CLUSTER_MEMBERS", Arrays.stream(cluster).mapToObj(p -> "127.0.0.1:" + p)
          .collect(Collectors.joining(",")));
      env.put("FLAMINGO_JWT_SECRET", Tokens.randomHex(32));
      env.put("FLAMINGO_KEK", Base64.getEncoder().encodeToString(Tokens.randomBytes(32)));
      env.put("FLAMINGO_BUS_TIMEOUT_MS", "3000");
      env.put("FLAMINGO_DB_POOL_SIZE", "2");
      env.put("FLAMINGO_METRICS_DISABLED", "none"); // every Vert.x meter on: vertx_eventbus_processed_total tells which data-service answered
      try (ServiceProcesses processes = new ServiceProcesses(env, Path.of("target", "processes"))) {
        processes.start("auth", "auth-service", Map.of("FLAMINGO_CLUSTER_PORT", "" + cluster[0]));
        Process data1 = processes.start("data-1", "data-service",
            Map.of("FLAMINGO_CLUSTER_PORT", "" + cluster[1], "FLAMINGO_OPS_PORT", "" + ops1));
        Process data2 = processes.start("data-2", "data-service",
            Map.of("FLAMINGO_CLUSTER_PORT", "" + cluster[2], "FLAMINGO_OPS_PORT", "" + ops2));
        processes.start("device", "device-service", Map.of("FLAMINGO_CLUSTER_PORT", "" + cluster[3]));
        processes.start("gateway-1", "gateway", Map.of("FLAMINGO_CLUSTER_PORT", "" + cluster[4],
            "FLAMINGO_HTTP_PORT", "" + http1, "FLAMINGO_PUBLIC_URL", "http://127.0.0.1:" + http1));
        Process gateway2 = processes.start("gateway-2", "gateway", Map.of("FLAMINGO_CLUSTER_PORT", "" + cluster[5],
            "FLAMINGO_HTTP_PORT", "" + http2, "FLAMINGO_PUBLIC_URL", "http://127.0.0.1:" + http2));

        WebClient web = WebClient.create(vertx);
        awaitUp(web, http1, "/health/ready", 300); // six JVMs starting on a shared 2-core machine
        awaitUp(web, http2, "/health/ready", 120);
        awaitUp(web, ops1, "/health/ready", 120);
        awaitUp(web, ops2, "/health/ready", 120);
        ApiClient gw1 = new ApiClient(vertx, http1);
        ApiClient gw2 = new ApiClient(vertx, http2);
        ApiClient[] gateways = {gw1, gw2};

        String cookie = Pairing.register(gw1, "processes@example.com");
        String token = Pairing.pairDevice(gw1, cookie, "Multi-process");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        assertEquals(200, gw2.put("/api/sync/key", token, new JsonObject().put("master_key", Base64.getEncoder().encodeToString(key))).status);

        List<String> written = new ArrayList<>();
        int lastAcked = -1;
        long lastAckedVersion = 0;
        int failedWrites = 0;
        for (int i = 0; i < 40; i++) {
          if (i == 12) {
            data1.destroyForcibly(); // SIGKILL, mid-run
          }
          String plaintext = "[{\"n\":" + i + "}]";
          written.add(plaintext);
          Response put = gateways[i % 2].put("/api/sync/data/history", token, StandaloneFlowTest.encrypt(key, plaintext));
          if (put.status == 200) {
            lastAcked = i;
            lastAckedVersion = put.data().getLong("version");
          } else {
            assertEquals(503, put.status, put.toString());
            failedWrites++;
          }
          Response get = gateways[(i + 1) % 2].get("/api/sync/data/history", token);
          assertEquals(200, get.status, "read " + i + " after the kill must still succeed: " + get);
          assertTrue(get.data().getLong("version") >= lastAckedVersion, "an acknowledged write is never lost");
        }
        System.out.println("multi-process: 40 writes through two gateways, data-service killed at write 12, "
            + failedWrites + " write(s) refused with 503, all 40 reads served");
        assertTrue(failedWrites <= 4, "only writes caught by the kill may fail, not " + failedWrites);
        Response last = gw1.get("/api/sync/data/history", token);
        String stored = StandaloneFlowTest.decrypt(key, last.data());
        assertTrue(written.subList(lastAcked, written.size()).contains(stored), "the stored blob is the last acknowledged one or newer");

        // the killed instance restarts and rejoins; then it alone serves when the other one goes
        processes.start("data-1-restarted", "data-service",
            Map.of("FLAMINGO_CLUSTER_PORT", "" + cluster[1], "FLAMINGO_OPS_PORT", "" + ops1));
        awaitUp(web, ops1, "/health/ready", 180);
        // before the other instance goes, each gateway must know the restarted one: polled (a read through
        // that gateway served by it, seen in its own metrics), not assumed after a fixed sleep
        for (ApiClient gateway : gateways) {
          awaitServedBy(web, ops1, gateway, token, 60);
        }
        data2.destroyForcibly();
        for (int i = 0; i < 10; i++) {
          Response get = gateways[i % 2].get("/api/sync/data/history", token);
          assertEquals(200, get.status, "served by the restarted instance: " + get);
        }
        Response after = gw2.put("/api/sync/data/setting", token, StandaloneFlowTest.encrypt(key, "{}"));
        long writeDeadline = System.currentTimeMillis() + 30_000;
        while (after.status == 503 && System.currentTimeMillis() < writeDeadline) {
          Thread.sleep(500); // the cluster may still be dropping the killed member's registrations
          after = gw2.put("/api/sync/data/setting", token, StandaloneFlowTest.encrypt(key, "{}"));
        }
        assertEquals(200, after.status, after.toString());

        // SIGTERM: a gateway finishes the request in flight, leaves the cluster and exits 0. The request is
        // really in flight: its headers and half its body are sent before the signal, the rest only once the
        // gateway has logged that it is stopping; it must still be answered 200 and its write be stored.
        String inFlight = "[{\"in-flight\":true}]";
        byte[] body = StandaloneFlowTest.encrypt(key, inFlight).encode().getBytes(StandardCharsets.UTF_8);
        Path gatewayLog = Path.of("target", "processes", "gateway-2.log");
        ToLongFunction<Path> stoppingLines = log -> {
          try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains("stopping: finishing in-flight requests")).count();
          } catch (IOException e) {
            return 0;
          }
        };
        long stoppingBefore = stoppingLines.applyAsLong(gatewayLog);
        try (Socket socket = new Socket("127.0.0.1", http2)) {
          socket.setSoTimeout(30_000);
          OutputStream out = socket.getOutputStream();
          out.write(("PUT /api/sync/data/history HTTP/1.1\r\nHost: 127.0.0.1:" + http2 + "\r\nAuthorization: Bearer " + token
              + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.write(body, 0, body.length / 2);
          out.flush();
          gateway2.destroy(); // SIGTERM
          long deadline = System.currentTimeMillis() + 30_000;
          while (stoppingLines.applyAsLong(gatewayLog) == stoppingBefore && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
          }
          assertTrue(stoppingLines.applyAsLong(gatewayLog) > stoppingBefore, "gateway-2 logged that it is stopping");
          assertTrue(gateway2.isAlive(), "still finishing the request in flight");
          out.write(body, body.length / 2, body.length - body.length / 2);
          out.flush();
          String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
              StandardCharsets.US_ASCII)).readLine();
          assertEquals("HTTP/1.1 200 OK", status, "the request in flight at SIGTERM is answered");
        }
        assertTrue(gateway2.waitFor(40, TimeUnit.SECONDS), "gateway-2 exits after SIGTERM");
        assertEquals(0, gateway2.exitValue());
        assertEquals(inFlight, StandaloneFlowTest.decrypt(key, gw1.get("/api/sync/data/history", token).data()),
            "the write answered during shutdown is stored");
        assertEquals(200, gw1.get("/api/sync/data/history", token).status);
        gw1.close();
        gw2.close();
      }
    } finally {
      vertx.close().await();
    }
  }

  /**
   * Reads through {@code gateway} until three of them were handled by the data-service whose ops port is
   * {@code ops} (its own count of processed bus messages goes up right after the read; three, so that an
   * unrelated message cannot pass for it), within a generous deadline.
   */
  static void awaitServedBy(WebClient web, int ops, ApiClient gateway, String token, int seconds) throws Exception {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    int served = 0;
    while (System.currentTimeMillis() < deadline) {
      double before = busMessagesProcessed(web, ops);
      Response get = gateway.get("/api/sync/data/history", token);
      assertEquals(200, get.status, "a read while the restarted instance joins: " + get);
      if (busMessagesProcessed(web, ops) > before && ++served == 3) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("reads through the gateway reached the data-service on ops port " + ops + " only "
        + served + " time(s) in " + seconds + " s");
  }

  /**
   * The bus messages a node has processed, from its Prometheus metrics (Vert.x's
   * {@code vertx_eventbus_processed_total}, summed over its labels: the address is not a label by default).
   */
  static double busMessagesProcessed(WebClient web, int ops) {
    String metrics = web.get(ops, "127.0.0.1", "/metrics").send().await().bodyAsString();
    double sum = 0;
    boolean found = false;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("vertx_eventbus_processed_total")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    assertTrue(found, "no vertx_eventbus_processed_total on ops port " + ops);
    return sum;
  }

  static void awaitUp(WebClient web, int port, String path, int seconds) throws InterruptedException {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (web.get(port, "127.0.0.1", path).send().await().statusCode() == 200) {
          return;
        }
      } catch (Exception notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError("port " + port + path + " not up after " + seconds + " s (see standalone/target/processes/*.log)");
  }
}
