package dev.flamingo.sync.standalone;

import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.cluster.ClusterBootstrap;
import dev.flamingo.sync.common.config.ConfigLoader;
import dev.flamingo.sync.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Joins a running cluster as a node of its own (the same settings as a service node: cluster name,
 * members, {@code FLAMINGO_CLUSTER_TLS_DIR}) and sends each address named on the command line a request
 * with an empty body and no account, with the {@code flamingo-contract} header of the release being checked
 * ({@code --contract N}, default this build's {@link RequestContext#CONTRACT_VERSION}). An address is
 * <b>answered</b> when a service replies, or fails the request itself (a {@code ServiceException}: 400, 401, …);
 * it is <b>unanswered</b> when nobody consumes it (NO_HANDLERS, retried for {@code --wait} seconds while the
 * cluster's subscriptions settle), the reply times out, or the service refuses that contract version.
 * Used by {@code bin/upgrade-check} to prove that every request address of the previous release still
 * answers after an upgrade. Requests carry no account, so they change nothing.
 *
 * <pre>java -cp standalone-fat.jar dev.flamingo.sync.standalone.BusProbe [--wait SECONDS] [--contract N] ADDRESS...</pre>
 *
 * Prints one line per address and a summary; exits 0 when all answered, 1 when any did not, 2 on bad use.
 */
public final class BusProbe {
  private static final long REQUEST_TIMEOUT_MS = 5_000;

  private BusProbe() {}

  public static void main(String[] args) {
    long waitMs = 10_000;
    String contract = RequestContext.CONTRACT_VERSION;
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if ("--wait".equals(args[i]) && i + 1 < args.length) {
        waitMs = Long.parseLong(args[++i]) * 1000;
      } else if ("--contract".equals(args[i]) && i + 1 < args.length) {
        contract = args[++i];
      } else {
        addresses.add(args[i]);
      }
    }
    if (addresses.isEmpty()) {
      System.err.println("bus-probe: usage: BusProbe [--wait SECONDS] [--contract N] ADDRESS...");
      System.exit(2);
    }
    Settings settings = ConfigLoader.loadBlocking();
    Vertx vertx;
    try {
      vertx = ClusterBootstrap.start(settings).await();
    } catch (Exception e) {
      System.err.println("bus-probe: could not join the cluster: " + e.getMessage());
      System.exit(2);
      return;
    }
    int unanswered = 0;
    for (String address : addresses) {
      String outcome = probe(vertx, address, contract, System.currentTimeMillis() + waitMs).await();
      boolean ok = outcome.startsWith("answered");
      if (!ok) {
        unanswered++;
      }
      System.out.println("bus-probe: " + address + " " + (ok ? outcome : outcome.toUpperCase(Locale.ROOT)));
    }
    System.out.println("bus-probe: " + (addresses.size() - unanswered) + " of " + addresses.size()
        + " addresses answered, " + unanswered + " unanswered");
    try {
      vertx.close().await();
    } catch (Exception e) {
      // leaving the cluster is best effort here
    }
    System.exit(unanswered == 0 ? 0 : 1);
  }

  /** "answered (reply)", "answered (failure N: text)" or "unanswered (NO_HANDLERS|TIMEOUT)". */
  static Future<String> probe(Vertx vertx, String address, String contract, long deadline) {
    Promise<String> result = Promise.promise();
    attempt(vertx, address, contract, deadline, result);
    return result.future();
  }

  private static void attempt(Vertx vertx, String address, String contract, long deadline, Promise<String> result) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS)
        .addHeader(RequestContext.H_CONTRACT, contract)
        .addHeader(RequestContext.H_REQUEST_ID, "bus-probe");
    vertx.eventBus().request(address, new JsonObject(), options).onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete("answered (reply)");
        return;
      }
      if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
          && !String.valueOf(re.getMessage()).startsWith("Unsupported contract version")) {
        result.complete("answered (failure " + re.failureCode() + ": " + re.getMessage() + ")");
        return;
      }
      String why = ar.cause() instanceof ReplyException re
          ? (re.failureType() == ReplyFailure.RECIPIENT_FAILURE ? re.getMessage() : re.failureType().name())
          : ar.cause().toString();
      if (System.currentTimeMillis() + 500 < deadline
          && ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
        vertx.setTimer(500, id -> attempt(vertx, address, contract, deadline, result));
      } else {
        result.complete("unanswered (" + why + ")");
      }
    });
  }
}
