package dev.flamingo.sync.common.db;

import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.SqlConnectOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a pool's new connections go: the database host's name, looked up on a worker thread (never on an event
 * loop), at most once per {@link #REFRESH_MILLIS} while new connections are opened, with its last address kept for
 * when a lookup fails and that address still answers.
 *
 * <p>Why: in a container network the name ({@code postgres}) is answered by the engine's DNS server, and Podman's
 * (aardvark-dns before 1.11, Debian bookworm's) stops answering for a moment each time a container starts or stops.
 * A pool that looked the name up for every new connection then failed requests with "Name or service not known",
 * and the JDK's blocking lookup held an event loop for up to 10 s, while the database itself was fine. A restarted
 * PostgreSQL container may also come back on a new address: a lookup that succeeds is followed at once (the JDK's
 * own cache applies too: 1 s in the compose file), and the last address is used after a failed lookup only if it
 * takes a TCP connection, so that no connection waits on an address where nothing is any more.
 *
 * <p>Only where the name is not needed on the wire: with {@code sslmode} other than {@code disable}, the TLS
 * handshake uses the name (server name indication, and {@code verify-full} checks it), so those pools connect by
 * name as before. A host that is already an address, or a Unix socket directory, is used as it is.
 */
public final class DatabaseAddress implements Supplier<Future<SqlConnectOptions>> {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseAddress.class);
  /** How old the last answer may be before a new connection looks the name up again. */
  public static final long REFRESH_MILLIS = 1_000;
  /** How long the last address has to take a TCP connection when the name does not resolve. */
  static final int PROBE_TIMEOUT_MS = 1_000;

  /** A name lookup: blocking, called on a worker thread. */
  @FunctionalInterface
  public interface Lookup {
    InetAddress lookup(String host) throws UnknownHostException;
  }

  private record Answer(String address, long atMillis) {}

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final String host;
  private final Lookup lookup;
  private final long refreshMillis;
  private final AtomicReference<Future<String>> inFlight = new AtomicReference<>();
  private final AtomicReference<NetClient> probes = new AtomicReference<>();
  private volatile Answer last;
  private volatile boolean failing;

  private DatabaseAddress(Vertx vertx, PgConnectOptions options, Lookup lookup, long refreshMillis) {
    this.refreshMillis = refreshMillis;
    this.vertx = vertx;
    this.options = options;
    this.host = options.getHost();
    this.lookup = lookup;
  }

  /** Whether {@code options} connect by a name that this class should look up (see the class comment). */
  public static boolean applies(PgConnectOptions options) {
    String host = options.getHost();
    return host != null && !host.isEmpty() && !host.startsWith("/")
        && options.getSslMode() == SslMode.DISABLE && !isAddress(host);
  }

  /** The connections' options for {@code options}: this class when it {@link #applies}, else the options as they are. */
  public static Supplier<Future<SqlConnectOptions>> of(Vertx vertx, PgConnectOptions options) {
    return of(vertx, options, InetAddress::getByName, REFRESH_MILLIS);
  }

  /** As {@link #of(Vertx, PgConnectOptions)} with another lookup and refresh age (for tests). */
  static Supplier<Future<SqlConnectOptions>> of(Vertx vertx, PgConnectOptions options, Lookup lookup,
      long refreshMillis) {
    if (!applies(options)) {
      Future<SqlConnectOptions> same = Future.succeededFuture(options);
      return () -> same;
    }
    return new DatabaseAddress(vertx, options, lookup, refreshMillis);
  }

  @Override
  public Future<SqlConnectOptions> get() {
    Answer known = last;
    if (known != null && System.currentTimeMillis() - known.atMillis() <= refreshMillis) {
      return Future.succeededFuture(optionsFor(known.address()));
    }
    return lookupShared().map(this::optionsFor);
  }

  private SqlConnectOptions optionsFor(String address) {
    return new PgConnectOptions(options).setHost(address);
  }

  /** One lookup at a time: the connections opened meanwhile wait for its answer. */
  private Future<String> lookupShared() {
    Promise<String> mine = Promise.promise();
    Future<String> running = inFlight.compareAndExchange(null, mine.future());
    if (running != null) {
      return running;
    }
    resolve().onComplete(ar -> {
      inFlight.set(null);
      mine.handle(ar);
    });
    return mine.future();
  }

  /**
   * Looks the name up on a worker. On success that is the new last answer. On failure, the last address is used
   * only if it still answers (a TCP connection within {@link #PROBE_TIMEOUT_MS}): after a restart PostgreSQL may
   * have a new address, and a connection to the old one would wait for Netty's 60 s (Vert.x 5.0's PostgreSQL
   * driver ignores the pool's transport options, so no shorter connect timeout can be set there).
   */
  private Future<String> resolve() {
    return vertx.executeBlocking(() -> lookup.lookup(host).getHostAddress(), false).transform(ar -> {
      Answer before = last;
      if (ar.succeeded()) {
        String address = ar.result();
        last = new Answer(address, System.currentTimeMillis());
        if (failing) {
          failing = false;
          LOG.info("database host {} resolves again, to {}", host, address);
        } else if (before != null && !before.address().equals(address)) {
          LOG.info("database host {} now resolves to {} (was {})", host, address, before.address());
        }
        return Future.succeededFuture(address);
      }
      String why = ar.cause().getMessage();
      if (before == null) {
        return Future.failedFuture(ar.cause() instanceof UnknownHostException ? ar.cause()
            : new UnknownHostException(host + ": " + why));
      }
      return probe(before.address()).transform(alive -> {
        if (alive.succeeded()) {
          last = new Answer(before.address(), System.currentTimeMillis()); // until the next refresh
          if (!failing) {
            failing = true;
            LOG.warn("database host {} did not resolve ({}): new connections go to its last address, {}, which "
                + "still answers", host, why, before.address());
          }
          return Future.succeededFuture(before.address());
        }
        LOG.warn("database host {} did not resolve ({}), and its last address, {}, does not answer", host, why,
            before.address());
        return Future.failedFuture(new UnknownHostException(host + ": " + why + "; its last address "
            + before.address() + " does not answer"));
      });
    });
  }

  /** Whether {@code address} takes a TCP connection on the database's port. */
  private Future<Void> probe(String address) {
    NetClient client = probes.updateAndGet(c -> c != null ? c
        : vertx.createNetClient(new NetClientOptions().setConnectTimeout(PROBE_TIMEOUT_MS)));
    return client.connect(options.getPort(), address).compose(NetSocket::close);
  }

  private static boolean isAddress(String host) {
    return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
  }
}
