package dev.flamingo.sync.common.config;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;

/**
 * Typed read access to the merged configuration. Every key is an upper-case {@code FLAMINGO_*} name,
 * the same in the environment, in the optional JSON config file and in a verticle's config. Defaults
 * live here and in the README table, nowhere else.
 */
public final class Settings {
  // database
  public static final String DB_URL = "FLAMINGO_DB_URL";
  public static final String DB_POOL_SIZE = "FLAMINGO_DB_POOL_SIZE";
  // cluster
  public static final String CLUSTER_NAME = "FLAMINGO_CLUSTER_NAME";
  public static final String CLUSTER_HOST = "FLAMINGO_CLUSTER_HOST";
  public static final String CLUSTER_PORT = "FLAMINGO_CLUSTER_PORT";
  public static final String CLUSTER_MEMBERS = "FLAMINGO_CLUSTER_MEMBERS";
  /** The event bus's own port on CLUSTER_HOST; 0 (default) picks a free one. */
  public static final String CLUSTER_BUS_PORT = "FLAMINGO_CLUSTER_BUS_PORT";
  /** A directory with ca.crt, node.crt and node.key: the event bus runs mutual TLS with them. */
  public static final String CLUSTER_TLS_DIR = "FLAMINGO_CLUSTER_TLS_DIR";
  /** true lets a clustered node start without certificates (development only). */
  public static final String CLUSTER_INSECURE = "FLAMINGO_CLUSTER_INSECURE";
  /** The event bus's TLS engine: {@code jdk} (the default) or {@code openssl} (the bundled BoringSSL, opt-in). */
  public static final String CLUSTER_TLS_ENGINE = "FLAMINGO_CLUSTER_TLS_ENGINE";
  // gateway
  public static final String HTTP_HOST = "FLAMINGO_HTTP_HOST";
  public static final String HTTP_PORT = "FLAMINGO_HTTP_PORT";
  public static final String PUBLIC_URL = "FLAMINGO_PUBLIC_URL";
  public static final String MAX_BODY_BYTES = "FLAMINGO_MAX_BODY_BYTES";
  public static final String REQUEST_TIMEOUT_MS = "FLAMINGO_REQUEST_TIMEOUT_MS";
  public static final String BUS_TIMEOUT_MS = "FLAMINGO_BUS_TIMEOUT_MS";
  public static final String TRUSTED_PROXIES = "FLAMINGO_TRUSTED_PROXIES";
  public static final String AUTH_CACHE_SECONDS = "FLAMINGO_AUTH_CACHE_SECONDS";
  public static final String RATE_LIMIT_INIT = "FLAMINGO_RATE_LIMIT_INIT";
  public static final String RATE_LIMIT_TOKEN = "FLAMINGO_RATE_LIMIT_TOKEN";
  public static final String RATE_LIMIT_LOGIN = "FLAMINGO_RATE_LIMIT_LOGIN";
  public static final String RATE_LIMIT_REGISTER = "FLAMINGO_RATE_LIMIT_REGISTER";
  /** Per client IP on GET /api/server ("COUNT/SECONDS"): the unauthenticated self-description. */
  public static final String RATE_LIMIT_SERVER = "FLAMINGO_RATE_LIMIT_SERVER";
  /** Failed logins per e-mail address, across all client addresses ("COUNT/SECONDS"). */
  public static final String RATE_LIMIT_LOGIN_EMAIL = "FLAMINGO_RATE_LIMIT_LOGIN_EMAIL";
  /** Wrong-password claims (POST /api/sync/claim) per client IP ("COUNT/SECONDS"). */
  public static final String RATE_LIMIT_CLAIM = "FLAMINGO_RATE_LIMIT_CLAIM";
  /** Wrong-password claims per signed-in account, across all client addresses ("COUNT/SECONDS"). */
  public static final String RATE_LIMIT_CLAIM_ACCOUNT = "FLAMINGO_RATE_LIMIT_CLAIM_ACCOUNT";
  /** Downloads of "export my data" (GET /api/web/export) per account ("COUNT/SECONDS"). */
  public static final String RATE_LIMIT_EXPORT = "FLAMINGO_RATE_LIMIT_EXPORT";
  // auth
  public static final String SIGNUPS_ALLOWED = "FLAMINGO_SIGNUPS_ALLOWED";
  /** open | invite-only | closed: the sign-up mode until an admin changes it (default: from SIGNUPS_ALLOWED). */
  public static final String SIGNUP_MODE = "FLAMINGO_SIGNUP_MODE";
  /** Upgrade only: these accounts (comma-separated e-mails) get the admin role once, when it is introduced. */
  public static final String ADMIN_EMAILS = "FLAMINGO_ADMIN_EMAILS";
  /** The sign-up modes, as {@link #SIGNUP_MODE} and the admin API spell them. */
  public static final List<String> SIGNUP_MODES = List.of("open", "invite-only", "closed");
  public static final String JWT_SECRET = "FLAMINGO_JWT_SECRET";
  public static final String BROWSER_LOGIN_HOURS = "FLAMINGO_BROWSER_LOGIN_HOURS";
  public static final String TEMP_TOKEN_TTL_SECONDS = "FLAMINGO_TEMP_TOKEN_TTL_SECONDS";
  public static final String SESSION_TTL_DAYS = "FLAMINGO_SESSION_TTL_DAYS";
  public static final String CLEANUP_INTERVAL_SECONDS = "FLAMINGO_CLEANUP_INTERVAL_SECONDS";
  /** Argon2id runs at once per auth-service process (default: the cores). */
  public static final String HASHING_CONCURRENCY = "FLAMINGO_HASHING_CONCURRENCY";
  /** Argon2id runs that may wait for a place (default: twice the concurrency); more are 503 with Retry-After. */
  public static final String HASHING_QUEUE = "FLAMINGO_HASHING_QUEUE";
  // operations
  public static final String OPS_PORT = "FLAMINGO_OPS_PORT";
  // secrets on one box
  public static final String SECRETS_DIR = "FLAMINGO_SECRETS_DIR";
  // gateway edge: body size of non-blob routes, idle connections
  public static final String MAX_JSON_BYTES = "FLAMINGO_MAX_JSON_BYTES";
  public static final String IDLE_TIMEOUT_SECONDS = "FLAMINGO_IDLE_TIMEOUT_SECONDS";

  private final JsonObject json;

  public Settings(JsonObject json) {
    this.json = json == null ? new JsonObject() : json;
  }

  public JsonObject json() {
    return json;
  }

  public String string(String key, String fallback) {
    Object value = json.getValue(key);
    if (value == null || value.toString().isBlank()) {
      return fallback;
    }
    return value.toString().trim();
  }

  /** A setting whose value cannot be used: the message names the variable, its value and what it takes. */
  public static final class InvalidSetting extends IllegalArgumentException {
    public InvalidSetting(String key, String value, String wants) {
      super(key + "=" + value + " " + wants);
    }
  }

  public int integer(String key, int fallback) {
    long value = number(key, fallback);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new InvalidSetting(key, string(key, ""), "is out of range");
    }
    return (int) value;
  }

  /**
   * A whole number; for a size ({@code FLAMINGO_*_BYTES}) also with a unit: {@code 512KiB}, {@code 10MiB},
   * {@code 10MB} and {@code 1G} alike count in 1,024s.
   */
  public long number(String key, long fallback) {
    String value = string(key, null);
    if (value == null) {
      return fallback;
    }
    boolean size = key.endsWith("_BYTES");
    java.util.regex.Matcher m = SIZE.matcher(value);
    if (!m.matches() || (!size && !m.group(2).isEmpty())) {
      throw new InvalidSetting(key, value, size ? "is not a size (bytes, or with a unit: 512KiB, 10MiB, 1GiB)"
          : "is not a whole number");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new InvalidSetting(key, value, "is out of range");
    }
    int shift = switch (m.group(2).isEmpty() ? ' ' : Character.toUpperCase(m.group(2).charAt(0))) {
      case 'K' -> 10;
      case 'M' -> 20;
      case 'G' -> 30;
      default -> 0;
    };
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new InvalidSetting(key, value, "is out of range");
    }
    return n << shift;
  }

  private static final java.util.regex.Pattern SIZE =
      java.util.regex.Pattern.compile("(-?\\d+)\\s*((?i:[kmg](?:i?b)?|b)?)");

  /** true / false, yes / no, on / off, 1 / 0 (any case); anything else is refused rather than read as false. */
  public boolean bool(String key, boolean fallback) {
    String value = string(key, null);
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new InvalidSetting(key, value, "is not a yes/no value (true or false, yes or no, on or off)");
    };
  }

  /** Booleans and numbers that the services read: checked together at start, before anything runs. */
  private static final List<String> BOOLEANS = List.of(SIGNUPS_ALLOWED, CLUSTER_INSECURE);
  private static final List<String> NUMBERS = List.of(CLUSTER_BUS_PORT, CLUSTER_PORT, DB_POOL_SIZE, HTTP_PORT,
      IDLE_TIMEOUT_SECONDS, OPS_PORT, SESSION_TTL_DAYS, TEMP_TOKEN_TTL_SECONDS, AUTH_CACHE_SECONDS,
      BROWSER_LOGIN_HOURS, BUS_TIMEOUT_MS, CLEANUP_INTERVAL_SECONDS, MAX_BODY_BYTES, MAX_JSON_BYTES, REQUEST_TIMEOUT_MS);

  /**
   * Checks every value the services read as a boolean or a number, and the database URL's form: the first
   * bad one throws {@link InvalidSetting}, whose message names the variable (for a one-line start failure).
   */
  public Settings validate() {
    BOOLEANS.forEach(k -> bool(k, false));
    NUMBERS.forEach(k -> number(k, 0));
    signupMode();
    String format = dev.flamingo.sync.common.ops.LogFormat.raw();
    if (!format.isEmpty() && !format.equals("text") && !format.equals("json")) {
      throw new InvalidSetting(dev.flamingo.sync.common.ops.LogFormat.VARIABLE, format, "is not a log format (TEXT or JSON)");
    }
    String db = dbUrl();
    if (db.startsWith("jdbc:")) {
      throw new InvalidSetting(DB_URL, dbUrlShown(),
          "is a JDBC URL: write it without \"jdbc:\", as postgresql://user:password@host:5432/database");
    }
    if (!db.startsWith("postgresql://") && !db.startsWith("postgres://")) {
      throw new InvalidSetting(DB_URL, dbUrlShown(),
          "is not a PostgreSQL URL (postgresql://user:password@host:5432/database)");
    }
    return this;
  }

  /** The configured sign-up mode: {@link #SIGNUP_MODE}, else open or closed by {@link #SIGNUPS_ALLOWED}. */
  public String signupMode() {
    String mode = string(SIGNUP_MODE, null);
    if (mode == null) {
      return bool(SIGNUPS_ALLOWED, true) ? "open" : "closed";
    }
    String m = mode.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    if (!SIGNUP_MODES.contains(m)) {
      throw new InvalidSetting(SIGNUP_MODE, mode, "is not a sign-up mode (open, invite-only or closed)");
    }
    return m;
  }

  public List<String> list(String key) {
    String value = string(key, "");
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public String dbUrl() {
    return string(DB_URL, "postgresql://postgres@127.0.0.1:5432/flamingo");
  }

  /** {@link #dbUrl()} with any password masked ({@code user:***@host}): for messages and the start banner. */
  public String dbUrlShown() {
    return dbUrl().replaceAll(":[^:@/]*@", ":***@");
  }

  public String publicUrl() {
    String url = string(PUBLIC_URL, "http://localhost:" + integer(HTTP_PORT, 8080));
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** A copy with one key replaced; handy for tests and the launcher. */
  public Settings with(String key, Object value) {
    return new Settings(json.copy().put(key, value));
  }
}
