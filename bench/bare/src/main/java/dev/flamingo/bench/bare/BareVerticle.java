package dev.flamingo.bench.bare;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * bench/mix.lua's three routes on the server's own tables, as plainly as Vert.x allows: one HTTP server, a token
 * cache (token to account, filled from auth's sessions on a miss), one prepared statement a request, the
 * envelope {@code {"success":true,"data":…}} with the same headers; no router, bus, metrics or access log.
 */
final class BareVerticle extends VerticleBase {
  private static final Map<String, Long> TOKENS = new ConcurrentHashMap<>();
  private static final Set<String> TYPES = Set.of("history", "environment", "secret", "collection", "setting");
  private static final String DATA = "/api/sync/data/";
  private static final String CONFIG = "/api/sync/config";

  private static final String SESSION = "select account_id from auth.sessions where token_hash = $1 "
      + "and revoked_at is null and expires_at > now()";
  private static final String GET = "select data_type, encrypted_blob, nonce, version, checksum, blob_size_bytes, "
      + "updated_at from data.blobs where account_id = $1 and data_type = $2";
  private static final String PUT = "with seq as (insert into data.change_seq as s (account_id, last_version) "
      + "values ($1, 1) on conflict (account_id) do update set last_version = s.last_version + 1 "
      + "returning last_version) "
      + "insert into data.blobs as b (account_id, data_type, encrypted_blob, nonce, checksum, blob_size_bytes, "
      + "version, updated_at) select $1, $2, $3, $4, $5, $6, last_version, now() from seq "
      + "on conflict (account_id, data_type) do update set encrypted_blob = excluded.encrypted_blob, "
      + "nonce = excluded.nonce, checksum = excluded.checksum, blob_size_bytes = excluded.blob_size_bytes, "
      + "version = excluded.version, updated_at = excluded.updated_at returning version, updated_at";
  private static final String CONFIG_SQL = "select sync_history, sync_environments, sync_secrets, sync_collections, "
      + "sync_settings, updated_at from data.sync_config where account_id = $1";

  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json; charset=utf-8");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence ETAG = HttpHeaders.createOptimized("ETag");
  private static final CharSequence LAST_MODIFIED = HttpHeaders.createOptimized("Last-Modified");
  private static final CharSequence[][] CORS = {
      {HttpHeaders.createOptimized("Access-Control-Allow-Origin"), HttpHeaders.createOptimized("*")},
      {HttpHeaders.createOptimized("Access-Control-Allow-Methods"),
          HttpHeaders.createOptimized("GET, POST, PUT, PATCH, DELETE, OPTIONS")},
      {HttpHeaders.createOptimized("Access-Control-Allow-Headers"),
          HttpHeaders.createOptimized("Content-Type, Authorization, If-Match, If-None-Match, X-Request-Id")},
      {HttpHeaders.createOptimized("Access-Control-Expose-Headers"),
          HttpHeaders.createOptimized("ETag, Last-Modified, Retry-After, X-Request-Id")}};
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private static final String DEFAULT_CONFIG = "{\"sync_history\":true,\"sync_environments\":true,"
      + "\"sync_secrets\":true,\"sync_collections\":true,\"sync_settings\":true,\"updated_at\":null}";

  private final int port;
  private final String db;
  private final int poolSize;
  private Pool pool;

  BareVerticle(int port, String db, int poolSize) {
    this.port = port;
    this.db = db;
    this.poolSize = poolSize;
  }

  @Override
  public Future<?> start() {
    PgConnectOptions options = PgConnectOptions.fromUri(db).setCachePreparedStatements(true).setPipeliningLimit(256);
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize)).connectingTo(options).using(vertx).build();
    return vertx.createHttpServer().requestHandler(this::handle).listen(port);
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
    if (auth == null || !auth.startsWith("Bearer ")) {
      error(req.response(), 401, "Unauthorized");
      return;
    }
    String token = auth.substring(7);
    Long cached = TOKENS.get(token);
    if (cached != null) {
      route(req, path, cached);
      return;
    }
    req.pause();
    pool.preparedQuery(SESSION).execute(Tuple.of(Buffer.buffer(sha256(token)))).onComplete(ar -> {
      req.resume();
      if (ar.failed()) {
        error(req.response(), 503, "Service unavailable");
      } else if (ar.result().size() == 0) {
        error(req.response(), 401, "Unauthorized");
      } else {
        long account = ar.result().iterator().next().getLong(0);
        TOKENS.put(token, account);
        route(req, path, account);
      }
    });
  }

  private void route(HttpServerRequest req, String path, long account) {
    if (path.equals(CONFIG) && req.method() == HttpMethod.GET) {
      config(req, account);
    } else if (path.startsWith(DATA) && TYPES.contains(path.substring(DATA.length()))) {
      String type = path.substring(DATA.length());
      if (req.method() == HttpMethod.GET) {
        get(req, account, type);
      } else if (req.method() == HttpMethod.PUT) {
        req.body().onSuccess(body -> put(req, account, type, body));
      } else {
        error(req.response(), 405, "Method not allowed");
      }
    } else {
      error(req.response(), 404, "Not found");
    }
  }

  private void get(HttpServerRequest req, long account, String type) {
    pool.preparedQuery(GET).execute(Tuple.of(account, type)).onComplete(ar -> {
      if (ar.failed()) {
        error(req.response(), 503, "Service unavailable");
        return;
      }
      RowSet<Row> rows = ar.result();
      if (rows.size() == 0) {
        error(req.response(), 404, "Not found");
        return;
      }
      Row r = rows.iterator().next();
      String blob = r.getString(1);
      Buffer out = Buffer.buffer(blob.length() + 256).appendString("{\"success\":true,\"data\":{\"data_type\":\"")
          .appendString(r.getString(0)).appendString("\",\"encrypted_blob\":\"").appendString(blob)
          .appendString("\",\"nonce\":\"").appendString(r.getString(2))
          .appendString("\",\"version\":").appendString(Long.toString(r.getLong(3)))
          .appendString(",\"checksum\":").appendString(quoted(r.getString(4)))
          .appendString(",\"blob_size_bytes\":").appendString(Integer.toString(r.getInteger(5)))
          .appendString(",\"updated_at\":\"").appendString(r.getOffsetDateTime(6).toInstant().toString())
          .appendString("\"}}");
      ok(req.response(), out, r.getLong(3), r.getOffsetDateTime(6));
    });
  }

  private void put(HttpServerRequest req, long account, String type, Buffer body) {
    JsonObject json;
    try {
      json = body.toJsonObject();
    } catch (RuntimeException e) {
      error(req.response(), 400, "Invalid JSON");
      return;
    }
    if (!(json.getValue("encrypted_blob") instanceof String blob) || !(json.getValue("nonce") instanceof String nonce)
        || !(json.getValue("checksum") == null || json.getValue("checksum") instanceof String)) {
      error(req.response(), 400, "encrypted_blob and nonce are required (base64 strings)");
      return;
    }
    int size = blob.length() / 4 * 3 - (blob.endsWith("==") ? 2 : blob.endsWith("=") ? 1 : 0);
    pool.preparedQuery(PUT).execute(Tuple.of(account, type, blob, nonce, json.getString("checksum"), size))
        .onComplete(ar -> {
          if (ar.failed()) {
            error(req.response(), 503, "Service unavailable");
            return;
          }
          Row r = ar.result().iterator().next();
          Buffer out = Buffer.buffer(128).appendString("{\"success\":true,\"data\":{\"data_type\":\"").appendString(type)
              .appendString("\",\"version\":").appendString(Long.toString(r.getLong(0)))
              .appendString(",\"blob_size_bytes\":").appendString(Integer.toString(size)).appendString("}}");
          ok(req.response(), out, r.getLong(0), r.getOffsetDateTime(1));
        });
  }

  private void config(HttpServerRequest req, long account) {
    pool.preparedQuery(CONFIG_SQL).execute(Tuple.of(account)).onComplete(ar -> {
      if (ar.failed()) {
        error(req.response(), 503, "Service unavailable");
        return;
      }
      Buffer out = Buffer.buffer(192).appendString("{\"success\":true,\"data\":");
      if (ar.result().size() == 0) {
        out.appendString(DEFAULT_CONFIG);
      } else {
        Row r = ar.result().iterator().next();
        out.appendString("{\"sync_history\":").appendString(String.valueOf(r.getBoolean(0)))
            .appendString(",\"sync_environments\":").appendString(String.valueOf(r.getBoolean(1)))
            .appendString(",\"sync_secrets\":").appendString(String.valueOf(r.getBoolean(2)))
            .appendString(",\"sync_collections\":").appendString(String.valueOf(r.getBoolean(3)))
            .appendString(",\"sync_settings\":").appendString(String.valueOf(r.getBoolean(4)))
            .appendString(",\"updated_at\":\"").appendString(r.getOffsetDateTime(5).toInstant().toString())
            .appendString("\"}");
      }
      ok(req.response(), out.appendString("}"), -1, null);
    });
  }

  private static void ok(HttpServerResponse response, Buffer body, long version, java.time.OffsetDateTime updated) {
    if (version >= 0) {
      response.putHeader(ETAG, "\"" + version + "\"");
      response.putHeader(LAST_MODIFIED, HTTP_DATE.format(updated));
    }
    end(response, 200, body);
  }

  private static void error(HttpServerResponse response, int status, String message) {
    end(response, status, Buffer.buffer("{\"success\":false,\"error\":\"" + message + "\"}"));
  }

  private static void end(HttpServerResponse response, int status, Buffer body) {
    for (CharSequence[] h : CORS) {
      response.putHeader(h[0], h[1]);
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE).end(body);
  }

  private static String quoted(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
