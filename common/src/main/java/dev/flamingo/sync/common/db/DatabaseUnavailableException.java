package dev.flamingo.sync.common.db;

import io.vertx.pgclient.PgConnectOptions;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/** PostgreSQL could not be reached; the message says where and what to do about this cause, in one line. */
public class DatabaseUnavailableException extends RuntimeException {
  public DatabaseUnavailableException(PgConnectOptions options, Throwable cause) {
    super("Cannot reach PostgreSQL at " + options.getHost() + ":" + options.getPort() + " as user '"
        + options.getUser() + "' (" + cause.getMessage() + "). " + advice(cause), cause);
  }

  /** What to do, by the cause: a name that does not resolve, a refused user or password, nothing listening. */
  static String advice(Throwable cause) {
    String state = cause instanceof SQLException sql && sql.getSQLState() != null ? sql.getSQLState() : "";
    if (has(cause, UnknownHostException.class)) {
      return "The host name does not resolve: check the host in FLAMINGO_DB_URL";
    }
    if (state.startsWith("28")) { // invalid_authorization_specification, invalid_password
      return "PostgreSQL refused this user or password: check the user and password in FLAMINGO_DB_URL (or"
          + " FLAMINGO_DB_USER / FLAMINGO_DB_PASSWORD), and that the role exists with LOGIN";
    }
    if (has(cause, ConnectException.class)) {
      return "Nothing accepts connections there: start PostgreSQL (e.g. 'pg_ctlcluster --skip-systemctl-redirect"
          + " 15 main start') or set FLAMINGO_DB_URL=postgresql://user:pass@host:port/db";
    }
    return "Check that PostgreSQL runs there and FLAMINGO_DB_URL (postgresql://user:pass@host:port/db) names it";
  }

  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
