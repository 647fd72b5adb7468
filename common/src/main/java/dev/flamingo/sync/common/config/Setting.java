package dev.flamingo.sync.common.config;

import dev.flamingo.sync.common.data.DataType;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every {@code FLAMINGO_*} setting, in one place: its name, its kind of value, its default and what it does.
 * Readers take the value through {@link Settings} ({@code settings.integer(Setting.HTTP_PORT)}), which applies
 * the default declared here, so no reader writes a default of its own. The table of docs/configuration.md is
 * generated from this list ({@link #table()}; {@code ConfigurationDocTest} keeps the two equal), and
 * {@link #byKey} tells whether a name is a known setting.
 *
 * <p>A default is either a fixed value, written as one would write it in the environment, a value computed
 * from the other settings (the number of cores, another setting), or none (the reader then gets
 * {@code null}, and says what happens: a file in the secrets directory, a free port…). {@link #shown} is
 * how the documentation states the default.
 */
public enum Setting {
  // database
  DB_URL("FLAMINGO_DB_URL", Kind.TEXT, "postgresql://postgres@127.0.0.1:5432/flamingo", null,
      "the database (created if missing); each service uses its own schema. A password in it is percent-encoded"
          + " (`@` `%40`, `/` `%2F`, `#` `%23`, `:` `%3A`, `%` `%25`), or set apart in `FLAMINGO_DB_PASSWORD`"),
  DB_USER("FLAMINGO_DB_USER", Kind.TEXT, (String) null, "the URL's",
      "the database user, in place of the one in `FLAMINGO_DB_URL`"),
  DB_PASSWORD("FLAMINGO_DB_PASSWORD", Kind.TEXT, (String) null, "the URL's",
      "the database password as it is (any characters, nothing to encode), in place of the one in"
          + " `FLAMINGO_DB_URL`; never logged"),
  DB_POOL_SIZE("FLAMINGO_DB_POOL_SIZE", Kind.NUMBER, "8", null, "connections per service instance"),
  DB_POOL_QUEUE("FLAMINGO_DB_POOL_QUEUE", Kind.NUMBER, "256", null,
      "requests of a service instance that may wait for a database connection; beyond that a request is refused at"
          + " once with 503 and `Retry-After` (overload is shed early instead of timing out late)"),
  // gateway
  HTTP_HOST("FLAMINGO_HTTP_HOST", Kind.TEXT, "0.0.0.0", null, "the address the gateway listens on"),
  HTTP_PORT("FLAMINGO_HTTP_PORT", Kind.NUMBER, "8080", null, "the port the gateway listens on"),
  PUBLIC_URL("FLAMINGO_PUBLIC_URL", Kind.TEXT, s -> "http://localhost:" + s.integer(Setting.HTTP_PORT),
      "`http://localhost:<port>`",
      "the URL users reach (the standalone banner names it as the URL for the app; unset, it names this machine's"
          + " addresses to set it to); `login_url` is built from it; when it is https the login cookie is"
          + " `__Host-flamingo_login` (Secure) and answers carry HSTS"),
  GATEWAY_INSTANCES("FLAMINGO_GATEWAY_INSTANCES", Kind.NUMBER, s -> String.valueOf(cores()), "number of cores",
      "gateway verticle instances in the standalone server"),
  SERVICE_INSTANCES("FLAMINGO_SERVICE_INSTANCES", Kind.NUMBER, s -> String.valueOf(cores()), "number of cores",
      "auth-service and data-service verticle instances in the standalone server (device-service keeps one)"),
  MAX_BODY_BYTES("FLAMINGO_MAX_BODY_BYTES", Kind.SIZE, "10485760", null,
      "body limit of blob uploads (`PUT /api/sync/data/{type}`; 413 above), read only after the Bearer check"),
  MAX_JSON_BYTES("FLAMINGO_MAX_JSON_BYTES", Kind.SIZE, "16384", null,
      "body limit of every other API route (413 above)"),
  IDLE_TIMEOUT_SECONDS("FLAMINGO_IDLE_TIMEOUT_SECONDS", Kind.NUMBER, "60", null,
      "a connection that sends and receives nothing for this long is closed"),
  REQUEST_TIMEOUT_MS("FLAMINGO_REQUEST_TIMEOUT_MS", Kind.NUMBER, "15000", null,
      "an HTTP request not answered by then gets 503 (not the export download, which streams for as long as the"
          + " client reads, 10 minutes at most)"),
  BUS_TIMEOUT_MS("FLAMINGO_BUS_TIMEOUT_MS", Kind.NUMBER, "10000", null,
      "bus request timeout (503); a database connection is waited for half of it"),
  TRUSTED_PROXIES("FLAMINGO_TRUSTED_PROXIES", Kind.LIST, "", "empty",
      "comma-separated proxy addresses or CIDR ranges (IPv4/IPv6, e.g. `172.30.240.0/24, fd00::/8`) whose"
          + " `X-Forwarded-For` is honoured; it is read right to left and the first hop outside these ranges is the"
          + " client. Only an IP literal is a client: at a hop that is anything else (`unknown`, a name, an address"
          + " with a port) the request counts as coming from the last trusted address right of it. Compose sets it"
          + " to nginx's fixed address (`FLAMINGO_PROXY_IP`, `/32`)"),
  AUTH_CACHE_SECONDS("FLAMINGO_AUTH_CACHE_SECONDS", Kind.NUMBER, "30", null,
      "how long a gateway caches a validated token; revocations evict at once"),
  SYNC_STATUS_FLUSH_MS("FLAMINGO_SYNC_STATUS_FLUSH_MS", Kind.NUMBER, "60000", null,
      "how often a gateway sends each device's sync status (last upload, download and refusal per data type),"
          + " coalesced, to device-service; a gateway that dies loses at most this much of it"),
  RATE_LIMIT_INIT("FLAMINGO_RATE_LIMIT_INIT", Kind.RATE, "30/60", null,
      "per client IP: requests / seconds on `POST /api/sync/init`"),
  RATE_LIMIT_TOKEN("FLAMINGO_RATE_LIMIT_TOKEN", Kind.RATE, "300/60", null,
      "on `POST /api/sync/token` (a client polls every 2 s)"),
  /** Per client IP on GET /api/server: the unauthenticated self-description. */
  RATE_LIMIT_SERVER("FLAMINGO_RATE_LIMIT_SERVER", Kind.RATE, "60/60", null,
      "on `GET /api/server` (what `bin/flamingo-doctor` reads: version, time, the client address the server sees)"),
  RATE_LIMIT_LOGIN("FLAMINGO_RATE_LIMIT_LOGIN", Kind.RATE, "10/60", null, "on `POST /api/auth/login`; apart, the same on a"
      + " passkey's second step (`/api/auth/login/passkey/options`, `/api/auth/login/second-step/passkey`)"),
  RATE_LIMIT_REGISTER("FLAMINGO_RATE_LIMIT_REGISTER", Kind.RATE, "10/3600", null, "on `POST /api/auth/register`"),
  /**
   * Failed logins per e-mail address, across all client addresses. Generous on purpose: anyone can fail logins
   * for someone else's address, so this limit is a cap on distributed guessing of one account (with 20/900,
   * under 2,000 guesses a day however many addresses an attacker has), not a lock-out. Only failed logins (401)
   * count, the lock lifts at the end of the window, it never applies from a network where the account signed
   * in within 30 days, and the per-address limit still applies to each client.
   */
  RATE_LIMIT_LOGIN_EMAIL("FLAMINGO_RATE_LIMIT_LOGIN_EMAIL", Kind.RATE, "20/900", null,
      "failed logins per e-mail address from any address, except from a network where that account signed in"
          + " within 30 days (so nobody can lock an owner out of their usual networks)"),
  /**
   * Wrong passwords on POST /api/sync/claim per client address, each an Argon2id run. Only wrong passwords
   * count; the account's own owner types it once per device they pair, and a stranger cannot spend this
   * account's count without its login cookie.
   */
  RATE_LIMIT_CLAIM("FLAMINGO_RATE_LIMIT_CLAIM", Kind.RATE, "10/60", null,
      "wrong passwords on `POST /api/sync/claim` (authorizing a device) per client IP; only wrong passwords count;"
          + " 429 with `Retry-After` above"),
  RATE_LIMIT_CLAIM_ACCOUNT("FLAMINGO_RATE_LIMIT_CLAIM_ACCOUNT", Kind.RATE, "10/900", null,
      "wrong claim passwords per signed-in account, from any address"),
  RATE_LIMIT_EXPORT("FLAMINGO_RATE_LIMIT_EXPORT", Kind.RATE, "5/3600", null,
      "per account: downloads of \"export my data\" (`GET /api/web/export`, streamed: the gateway holds one blob"
          + " of it at a time)"),
  // auth
  SIGNUPS_ALLOWED("FLAMINGO_SIGNUPS_ALLOWED", Kind.YES_NO, "true", null,
      "`false` refuses registration (the sign-up mode `closed`), unless `FLAMINGO_SIGNUP_MODE` is set"),
  SIGNUP_MODE("FLAMINGO_SIGNUP_MODE", Kind.TEXT, s -> s.bool(Setting.SIGNUPS_ALLOWED) ? "open" : "closed",
      "from `FLAMINGO_SIGNUPS_ALLOWED`",
      "`open`, `invite-only` or `closed`: the sign-up mode until an admin changes it at run time (see"
          + " [operating](operating.md))"),
  ADMIN_EMAILS("FLAMINGO_ADMIN_EMAILS", Kind.LIST, "", "empty",
      "upgrade only: the accounts named here (comma-separated) get the admin role once, at the first start of this"
          + " version; afterwards it grants nothing (a WARN line says so): use `admin grant EMAIL` (see"
          + " [operating](operating.md))"),
  ADMIN_2FA("FLAMINGO_ADMIN_2FA", Kind.TEXT, "required", null,
      "`required`: an admin without a second factor (an authenticator app or a passkey) is sent to enroll before any"
          + " admin route works; `optional` (small installs) lets admins work without one, said loudly at start"),
  JWT_SECRET("FLAMINGO_JWT_SECRET", Kind.TEXT, (String) null, "created in the secrets dir",
      "HS256 key of the browser login cookie (≥ 32 chars)"),
  BROWSER_LOGIN_HOURS("FLAMINGO_BROWSER_LOGIN_HOURS", Kind.NUMBER, "12", null, "browser login lifetime"),
  TEMP_TOKEN_TTL_SECONDS("FLAMINGO_TEMP_TOKEN_TTL_SECONDS", Kind.NUMBER, "300", null,
      "device-flow temp token lifetime"),
  SESSION_TTL_DAYS("FLAMINGO_SESSION_TTL_DAYS", Kind.NUMBER, "90", null, "session token lifetime"),
  CLEANUP_INTERVAL_SECONDS("FLAMINGO_CLEANUP_INTERVAL_SECONDS", Kind.NUMBER, "3600", null,
      "how often expired rows are deleted"),
  HASHING_CONCURRENCY("FLAMINGO_HASHING_CONCURRENCY", Kind.NUMBER, s -> String.valueOf(cores()), "number of cores",
      "Argon2id runs (19 MiB each: sign-up, sign-in, claim, password change, account deletion, reset) at once per"
          + " auth-service process"),
  HASHING_QUEUE("FLAMINGO_HASHING_QUEUE", Kind.NUMBER,
      s -> String.valueOf(2 * Math.max(1, s.integer(Setting.HASHING_CONCURRENCY))), "twice the concurrency",
      "Argon2id runs that may wait for a place; beyond that the request is refused at once with 503 and"
          + " `Retry-After` (so a storm of sign-ins cannot exhaust memory)"),
  /** No default in the services (they then need the secrets set); the standalone server fills it in. */
  SECRETS_DIR("FLAMINGO_SECRETS_DIR", Kind.TEXT, (String) null, "`~/.config/flamingo-sync` (standalone)",
      "where generated secrets are kept (files 0600)"),
  // cluster
  CLUSTER_NAME("FLAMINGO_CLUSTER_NAME", Kind.TEXT, "flamingo", null, "Hazelcast cluster name"),
  CLUSTER_HOST("FLAMINGO_CLUSTER_HOST", Kind.TEXT, "127.0.0.1", null, "this node's cluster address"),
  CLUSTER_PORT("FLAMINGO_CLUSTER_PORT", Kind.NUMBER, "5701", null, "this node's cluster port"),
  CLUSTER_MEMBERS("FLAMINGO_CLUSTER_MEMBERS", Kind.LIST, "", "this node",
      "`host:port,host:port` of the cluster members (TCP-IP join)"),
  /** A directory with ca.crt, node.crt and node.key: the event bus runs mutual TLS with them. */
  CLUSTER_TLS_DIR("FLAMINGO_CLUSTER_TLS_DIR", Kind.TEXT, (String) null, "none (required on clustered nodes)",
      "directory with `ca.crt`, `node.crt`, `node.key` from `bin/cluster-certs`: the event bus runs mutual TLS"),
  /** The event bus's own port on CLUSTER_HOST; 0 (the default) picks a free one. */
  CLUSTER_BUS_PORT("FLAMINGO_CLUSTER_BUS_PORT", Kind.NUMBER, "0", "a free port",
      "the event bus's port on `FLAMINGO_CLUSTER_HOST`"),
  /** true lets a clustered node start without certificates (development only). */
  CLUSTER_INSECURE("FLAMINGO_CLUSTER_INSECURE", Kind.YES_NO, "false", null,
      "`true` lets a clustered node run a plain bus (development only)"),
  CLUSTER_TLS_ENGINE("FLAMINGO_CLUSTER_TLS_ENGINE", Kind.TEXT, "jdk", null,
      "retired, no effect: the event bus always runs the JDK's TLS (the BoringSSL option was removed: bus replies"
          + " stalled 10 s in the compose stack with it, and the bench measured the cluster no faster with it); a node"
          + " that still sets it starts, with a warning"),
  // operations
  /** Read by logback.xml ({@code ${FLAMINGO_LOG_LEVEL:-INFO}}), not by Java code. */
  LOG_LEVEL("FLAMINGO_LOG_LEVEL", Kind.TEXT, "INFO", null, "root log level (read by logback: environment or `-D`)"),
  LOG_FORMAT("FLAMINGO_LOG_FORMAT", Kind.TEXT, "TEXT", null,
      "`JSON` (any case) for one JSON object per line on stdout (ISO-8601 `timestamp`, the access line's fields as"
          + " fields; see [operating](operating.md)); another value stops the start in one line (environment or `-D` only: logging"
          + " starts before the settings file is read)"),
  OPS_PORT("FLAMINGO_OPS_PORT", Kind.NUMBER, "0", "off", "a service node's health and metrics port"),
  METRICS("FLAMINGO_METRICS", Kind.YES_NO, "true", null,
      "`false` turns Vert.x's Micrometer metrics off entirely (read from the environment)"),
  /**
   * Vert.x's per-request HTTP server and per-message event-bus meters cost about 15 % of a request's CPU in the
   * bench (a tagged meter looked up per request and per message); a cheap request count and duration by status
   * class is kept instead.
   */
  METRICS_DISABLED("FLAMINGO_METRICS_DISABLED", Kind.LIST, "EVENT_BUS,HTTP_SERVER", null,
      "comma-separated Vert.x metrics domains to leave out, or `none` for all of them on. Vert.x's per-request HTTP"
          + " and per-message bus meters are off by default (about 15 % of a request's CPU);"
          + " `flamingo_http_requests_seconds{class}` counts requests and their duration by status class instead"
          + " (environment only)"),
  CONFIG_FILE("FLAMINGO_CONFIG_FILE", Kind.TEXT, (String) null, "none",
      "a JSON file whose keys are these settings' names; the environment wins over it (environment only)"),
  // data-service
  KEK("FLAMINGO_KEK", Kind.TEXT, (String) null, "created in the secrets dir",
      "key-encryption key (base64 of 32 bytes) wrapping escrowed keys (data-service) and sealing TOTP secrets"
          + " (auth-service): give both services the same one"),
  /** The id stored with every row wrapped under KEK; unset, the secrets dir's kek-id file, else this default. */
  KEK_ID("FLAMINGO_KEK_ID", Kind.TEXT, "k1", null,
      "the id of `FLAMINGO_KEK`, stored with every key it wraps (unset, with the kek file: its `kek-id` file's)"),
  KEK_PREVIOUS("FLAMINGO_KEK_PREVIOUS", Kind.LIST, "", "empty",
      "`id:base64,…` older KEKs still readable during a KEK rotation"),
  /**
   * 5 MiB a blob (decoded): a 200-entry history with large bodies is a few hundred KiB, so this is generous,
   * and the base64 of 5 MiB (6.7 MiB) plus JSON still fits the gateway's 10 MiB body limit.
   */
  MAX_BLOB_BYTES("FLAMINGO_MAX_BLOB_BYTES", Kind.SIZE, String.valueOf(DataType.defaultBlobBytes()), null,
      "largest blob (decoded bytes); 413 above"),
  /** 25 MiB an account: every data type ({@link DataType}) at its full default size. */
  MAX_ACCOUNT_BYTES("FLAMINGO_MAX_ACCOUNT_BYTES", Kind.SIZE, String.valueOf(DataType.defaultAccountBytes()), null,
      "the default storage quota: all of an account's blobs together; 413 above (an admin may give an account its"
          + " own)"),
  REVISIONS_EVERY("FLAMINGO_REVISIONS_EVERY", Kind.NUMBER, "300", null,
      "seconds: a device's consecutive writes of a type keep a revision of what they replace only when the last"
          + " one kept is older than this (a write by another device, a restore and a delete always keep one)"),
  REVISIONS_DAYS("FLAMINGO_REVISIONS_DAYS", Kind.NUMBER, "30", null,
      "revisions (and the trash) older than this many days are deleted; `0` keeps no new revisions"),
  REVISIONS_KEEP("FLAMINGO_REVISIONS_KEEP", Kind.NUMBER, "100", null,
      "at most this many revisions per account and data type (they count against the account's quota, oldest"
          + " dropped first); `0` keeps no new revisions"),
  // device-service
  LAST_SEEN_FLUSH_MS("FLAMINGO_LAST_SEEN_FLUSH_MS", Kind.NUMBER, "5000", null,
      "how often coalesced last-seen times are written"),
  AUDIT_FLUSH_MS("FLAMINGO_AUDIT_FLUSH_MS", Kind.NUMBER, "1000", null,
      "how often audit events are written (in batches)"),
  AUDIT_BATCH_SIZE("FLAMINGO_AUDIT_BATCH_SIZE", Kind.NUMBER, "200", null, "audit events written in one batch"),
  AUDIT_BUFFER_MAX("FLAMINGO_AUDIT_BUFFER_MAX", Kind.NUMBER, "10000", null,
      "audit events kept for retry while the database is away (drops are counted)"),
  AUDIT_RETENTION_DAYS("FLAMINGO_AUDIT_RETENTION_DAYS", Kind.NUMBER, "90", null,
      "audit events older than this are deleted"),
  REVOKED_DEVICE_RETENTION_DAYS("FLAMINGO_REVOKED_DEVICE_RETENTION_DAYS", Kind.NUMBER, "30", null,
      "revoked devices older than this are deleted"),
  DEVICE_AUTH_TIMEOUT_MS("FLAMINGO_DEVICE_AUTH_TIMEOUT_MS", Kind.NUMBER, "5000", null,
      "how long device-service waits for auth-service to end a revoked device's sessions");

  /** The kind of value a setting takes, as {@link Settings} reads it. */
  public enum Kind {
    TEXT("text"),
    NUMBER("whole number"),
    /** A whole number of bytes, or with a unit ({@code 512KiB}, {@code 10MiB}); the name ends in {@code _BYTES}. */
    SIZE("size"),
    YES_NO("yes/no"),
    /** Comma-separated. */
    LIST("list"),
    /** {@code COUNT/SECONDS}. */
    RATE("count/seconds");

    private final String shown;

    Kind(String shown) {
      this.shown = shown;
    }

    public String shown() {
      return shown;
    }
  }

  private final String key;
  private final Kind kind;
  private final String fixedDefault;
  private final Function<Settings, String> computedDefault;
  private final String shown;
  private final String description;

  Setting(String key, Kind kind, String fixedDefault, String shown, String description) {
    this(key, kind, fixedDefault, null, shown, description);
  }

  Setting(String key, Kind kind, Function<Settings, String> computedDefault, String shown, String description) {
    this(key, kind, null, computedDefault, shown, description);
  }

  Setting(String key, Kind kind, String fixedDefault, Function<Settings, String> computedDefault, String shown,
      String description) {
    this.key = key;
    this.kind = kind;
    this.fixedDefault = fixedDefault;
    this.computedDefault = computedDefault;
    this.shown = shown != null ? shown : "`" + fixedDefault + "`";
    this.description = description;
  }

  /** The name, the same in the environment, in the JSON config file and in a verticle's config. */
  public String key() {
    return key;
  }

  public Kind kind() {
    return kind;
  }

  /** The default as the environment would spell it, computed from {@code settings} where it depends on them; null: none. */
  public String defaultValue(Settings settings) {
    return computedDefault != null ? computedDefault.apply(settings) : fixedDefault;
  }

  /** The default as the documentation states it (markdown). */
  public String shown() {
    return shown;
  }

  /** What it does, in one line of markdown. */
  public String description() {
    return description;
  }

  /**
   * For the settings read before any settings file ({@link #LOG_FORMAT}, {@link #METRICS}, {@link #CONFIG_FILE}):
   * the environment's value as it is (blank included), or the fixed default when it is unset.
   */
  public String fromEnvironment() {
    String value = System.getenv(key);
    return value == null ? fixedDefault : value;
  }

  private static final Map<String, Setting> BY_KEY =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Setting::key, s -> s));

  /** The setting of this name, if it is one: the answer to "is this a known name". */
  public static Optional<Setting> byKey(String key) {
    return Optional.ofNullable(BY_KEY.get(key));
  }

  /**
   * {@code FLAMINGO_*} names that are not settings of the server but are read by the scripts, the compose file,
   * logback or the tests ({@code FLAMINGO_TEST_*}): present in a server's environment without being a mistake.
   */
  static final java.util.Set<String> SCRIPT_ONLY = java.util.Set.of("FLAMINGO_ACCESS_LOG_LEVEL",
      "FLAMINGO_ADMIN_EMAIL", "FLAMINGO_ADMIN_OTP", "FLAMINGO_ADMIN_PASSWORD", "FLAMINGO_ADMIN_SESSION_FILE",
      "FLAMINGO_ADMIN_URL",
      "FLAMINGO_BASE_IMAGE", "FLAMINGO_COMPOSE", "FLAMINGO_ENV_FILE", "FLAMINGO_TLS_CERT", "FLAMINGO_TLS_KEY",
      "FLAMINGO_TLS_PORT",
      "FLAMINGO_BUILD_IMAGE", "FLAMINGO_CERT_DAYS", "FLAMINGO_CLUSTER_CERTS", "FLAMINGO_IMAGE_PREFIX",
      "FLAMINGO_IMAGE_TAG", "FLAMINGO_IP_RANGE", "FLAMINGO_JAVA_OPTS", "FLAMINGO_NEW_PASSWORD", "FLAMINGO_NGINX_IMAGE",
      "FLAMINGO_PORT", "FLAMINGO_POSTGRES_IMAGE", "FLAMINGO_PROXY_IP", "FLAMINGO_SERVE_MAX_SECONDS",
      "FLAMINGO_SUBNET");

  /** Whether {@code key} is a name the scripts or tests use, not a server setting (see {@link #SCRIPT_ONLY}). */
  public static boolean notAServerSetting(String key) {
    return SCRIPT_ONLY.contains(key) || key.startsWith("FLAMINGO_TEST_") || key.startsWith("FLAMINGO_CHECK_");
  }

  /** The known setting whose name is closest to {@code key} (edit distance at most a third of it), if any. */
  public static Optional<String> closest(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Setting s : values()) {
      int d = distance(key, s.key);
      if (d < bestDistance) {
        best = s.key;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 3) ? Optional.of(best) : Optional.empty();
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }

  static int cores() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** The markdown table of docs/configuration.md: one row a setting, in declaration order. */
  public static String table() {
    StringBuilder out = new StringBuilder("| variable | kind | default | meaning |\n|---|---|---|---|\n");
    for (Setting s : values()) {
      out.append("| `").append(s.key).append("` | ").append(s.kind.shown()).append(" | ").append(s.shown)
          .append(" | ").append(s.description).append(" |\n");
    }
    return out.toString();
  }
}
