package dev.flamingo.sync.common.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.SqlConnectOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a pool's new connections go: the database host's name, looked up on a worker thread (never on an event
 * loop), and its last address kept for when a later lookup fails.
 *
 * <p>Why: in a container network the name ({@code postgres}) is answered by the engine's DNS server, and Podman's
 * (aardvark-dns before 1.11, Debian bookworm's) stops answering for a moment each time a container starts or stops.
 * A pool that looked the name up for every new connection then failed requests with "Name or service not known",
 * and the JDK's blocking lookup held an event loop for up to 10 s, while the database itself was fine. Now a new
 * connection goes to the address of the last lookup that succeeded; the name is looked up again in the background
 * when that answer is older than {@link #REFRESH_MILLIS} and a new connection is opened (the JDK's own cache
 * applies too: 5 s in the compose file), so a database that moves
 * to a new address is followed, and a failed lookup only logs.
 *
 * <p>Only where the name is not needed on the wire: with {@code sslmode} other than {@code disable}, the TLS
 * handshake uses the name (server name indication, and {@code verify-full} checks it), so those pools connect by
 * name as before. A host that is already an address, or a Unix socket directory, is used as it is.
 */
public final class DatabaseAddress implements Supplier<Future<SqlConnectOptions>> {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseAddress.class);
  /** How old the last answer may be before the name is looked up again (in the background, for a new connection). */
  public static final long REFRESH_MILLIS = 1_000;

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
  private final AtomicBoolean refreshing = new AtomicBoolean();
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
    if (known == null) {
      return resolve().map(this::optionsFor);
    }
    if (System.currentTimeMillis() - known.atMillis() > refreshMillis && refreshing.compareAndSet(false, true)) {
      resolve().onComplete(ar -> refreshing.set(false)); // a failure keeps the last answer
    }
    return Future.succeededFuture(optionsFor(known.address()));
  }

  private SqlConnectOptions optionsFor(String address) {
    return new PgConnectOptions(options).setHost(address);
  }

  /** Looks the name up on a worker; on success it is the new last answer, on failure the last one stays. */
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
      Throwable cause = ar.cause();
      if (before != null) {
        if (!failing) {
          failing = true;
          LOG.warn("database host {} did not resolve ({}): new connections keep its last address, {}", host,
              cause.getMessage(), before.address());
        }
        return Future.succeededFuture(before.address());
      }
      return Future.failedFuture(cause instanceof UnknownHostException ? cause
          : new UnknownHostException(host + ": " + cause.getMessage()));
    });
  }

  private static boolean isAddress(String host) {
    if (host.indexOf(':') >= 0) {
      return true; // IPv6 literal
    }
    return host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }
}
