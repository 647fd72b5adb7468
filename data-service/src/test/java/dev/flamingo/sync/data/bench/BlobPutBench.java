package dev.flamingo.sync.data.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.WireFormat;
import dev.flamingo.sync.data.DataVerticle;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A relative micro comparison, not a test: N blob PUTs (4 KiB) over the local bus into one DataVerticle,
 * {@code inflight} at a time over {@code accounts} accounts, in the JSON form and (where the service knows
 * it) the text form of {@link WireFormat}. Prints µs per PUT (wall clock / N). Run it with
 * {@code mvn -B -q -pl data-service -am test-compile exec:java} or from an IDE; args: N inflight accounts forms (e.g. json,text,json,text) and FLAMINGO_REVISIONS_KEEP (default 100; 0:
 * revisions off).
 */
public final class BlobPutBench {
  private BlobPutBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
    int inflight = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int accounts = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    String[] forms = (args.length > 3 ? args[3] : "json,text,json,text").split(",");
    String revisionsKeep = args.length > 4 ? args[4] : "100"; // 0: revisions off (issue 23)
    byte[] raw = new byte[4096];
    new SecureRandom().nextBytes(raw);
    byte[] iv = new byte[12];
    new SecureRandom().nextBytes(iv);
    JsonObject body = new JsonObject().put("encrypted_blob", Base64.getEncoder().encodeToString(raw))
        .put("nonce", Base64.getEncoder().encodeToString(iv)).put("checksum", "c".repeat(64));
    try (TestDatabase db = TestDatabase.create()) {
      Vertx vertx = Vertx.vertx();
      try {
        JsonObject config = new JsonObject().put("FLAMINGO_DB_URL", db.url())
            .put("FLAMINGO_KEK", Base64.getEncoder().encodeToString(new byte[32])).put("FLAMINGO_KEK_ID", "b1")
            .put("FLAMINGO_REVISIONS_KEEP", revisionsKeep);
        vertx.deployVerticle(new DataVerticle(), new DeploymentOptions().setConfig(config)).await();
        for (String form : forms) {
          run(vertx, form, body, n / 4, inflight, accounts); // warm-up
          long cpu0 = processCpuNanos();
          long pg0 = postgresCpuTicks(db);
          long t0 = System.nanoTime();
          run(vertx, form, body, n, inflight, accounts);
          double us = (System.nanoTime() - t0) / 1000.0 / n;
          double cpu = (processCpuNanos() - cpu0) / 1000.0 / n;
          double pg = (postgresCpuTicks(db) - pg0) * 10_000.0 / n; // USER_HZ = 100: a tick is 10 ms
          System.out.printf("%s form: %d PUTs, %d in flight, %d accounts: %.1f µs/PUT wall, %.1f µs/PUT JVM CPU,"
              + " %.1f µs/PUT Postgres backend CPU%n", form, n, inflight, accounts, us, cpu, pg);
        }
      } finally {
        vertx.close().await();
      }
    }
    System.exit(0);
  }

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** utime + stime (ticks) of the Postgres backends serving this database, from /proc (same machine only). */
  private static long postgresCpuTicks(TestDatabase db) {
    long ticks = 0;
    try (Connection c = db.connect(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("select pid from pg_stat_activity where datname = current_database() "
             + "and pid <> pg_backend_pid()")) {
      while (rs.next()) {
        Path stat = Path.of("/proc/" + rs.getInt(1) + "/stat");
        if (Files.exists(stat)) {
          String text = Files.readString(stat);
          String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
      }
    } catch (SQLException | IOException e) {
      return 0;
    }
    return ticks;
  }

  private static void run(Vertx vertx, String form, JsonObject body, int n, int inflight, int accounts) {
    Promise<Void> done = Promise.promise();
    AtomicInteger started = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    Buffer text = body.toBuffer();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      int i = started.getAndIncrement();
      if (i >= n) {
        return;
      }
      long account = 1 + (i % accounts);
      DeliveryOptions o = RequestContext.anonymous("b", "127.0.0.1", "bench").withAccount(account, "s", "d")
          .toDeliveryOptions(30000);
      Future<?> sent;
      if (form.equals("text")) {
        o.addHeader(WireFormat.H_ACCEPT, WireFormat.DATA).addHeader(WireFormat.H_CONTENT, WireFormat.TEXT)
            .addHeader(WireFormat.H_ARG_PREFIX + "type", "history");
        sent = vertx.eventBus().request(Addresses.DATA_BLOB_PUT, text, o);
      } else {
        sent = vertx.eventBus().request(Addresses.DATA_BLOB_PUT, body.copy().put("type", "history"), o);
      }
      sent.onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
          return;
        }
        if (finished.incrementAndGet() == n) {
          done.tryComplete();
        } else {
          next[0].run();
        }
      });
    };
    vertx.runOnContext(v -> {
      for (int k = 0; k < inflight; k++) {
        next[0].run();
      }
    });
    done.future().await();
  }
}
