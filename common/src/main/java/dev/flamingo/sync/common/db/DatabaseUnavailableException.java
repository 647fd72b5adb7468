package dev.flamingo.sync.common.db;

import io.vertx.pgclient.PgConnectOptions;

/** PostgreSQL could not be reached; the message says where and what to do, in one line. */
public class DatabaseUnavailableException extends RuntimeException {
  public DatabaseUnavailableException(PgConnectOptions options, Throwable cause) {
    super("Cannot reach PostgreSQL at " + options.getHost() + ":" + options.getPort() + " as user '"
        + options.getUser() + "' (" + cause.getMessage() + "). Start PostgreSQL (e.g. 'pg_ctlcluster "
        + "--skip-systemctl-redirect 15 main start') or set FLAMINGO_DB_URL=postgresql://user:pass@host:port/db",
        cause);
  }
}
