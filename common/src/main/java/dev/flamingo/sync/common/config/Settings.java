package dev.flamingo.sync.common.config;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;

/**
 * Typed read access to the merged configuration. Every key is an upper-case {@code FLAMINGO_*} name,
 * the same in the environment, in the optional JSON config file and in a verticle's config. Every setting,
 * with its default and description, is declared once in {@link Setting}; read it with the methods that take
 * a {@link Setting}, which apply that default.
 */
public final class Settings {
  /*
   * The names of the settings, for code and tests that spell a key (a JSON config, Settings.with): each is the
   * key() of its declaration in Setting, which holds the default and the description too.
   */
  public static final String DB_URL = Setting.DB_URL.key();
  public static final String DB_USER = Setting.DB_USER.key();
  public static final String DB_PASSWORD = Setting.DB_PASSWORD.key();
  public static final String DB_POOL_SIZE = Setting.DB_POOL_SIZE.key();
  public static final String CLUSTER_NAME = Setting.CLUSTER_NAME.key();
  public static final String CLUSTER_HOST = Setting.CLUSTER_HOST.key();
  public static final String CLUSTER_PORT = Setting.CLUSTER_PORT.key();
  public static final String CLUSTER_MEMBERS = Setting.CLUSTER_MEMBERS.key();
  public static final String CLUSTER_BUS_PORT = Setting.CLUSTER_BUS_PORT.key();
  public static final String CLUSTER_TLS_DIR = Setting.CLUSTER_TLS_DIR.key();
  public static final String CLUSTER_INSECURE = Setting.CLUSTER_INSECURE.key();
  public static final String CLUSTER_TLS_ENGINE = Setting.CLUSTER_TLS_ENGINE.key();
  public static final String HTTP_HOST = Setting.HTTP_HOST.key();
  public static final String HTTP_PORT = Setting.HTTP_PORT.key();
  public static final String PUBLIC_URL = Setting.PUBLIC_URL.key();
  public static final String MAX_BODY_BYTES = Setting.MAX_BODY_BYTES.key();
  public static final String REQUEST_TIMEOUT_MS = Setting.REQUEST_TIMEOUT_MS.key();
  public static final String BUS_TIMEOUT_MS = Setting.BUS_TIMEOUT_MS.key();
  public static final String TRUSTED_PROXIES = Setting.TRUSTED_PROXIES.key();
  public static final String AUTH_CACHE_SECONDS = Setting.AUTH_CACHE_SECONDS.key();
  public static final String RATE_LIMIT_INIT = Setting.RATE_LIMIT_INIT.key();
  public static final String RATE_LIMIT_TOKEN = Setting.RATE_LIMIT_TOKEN.key();
  public static final String RATE_LIMIT_LOGIN = Setting.RATE_LIMIT_LOGIN.key();
  public static final String RATE_LIMIT_REGISTER = Setting.RATE_LIMIT_REGISTER.key();
  public static final String RATE_LIMIT_SERVER = Setting.RATE_LIMIT_SERVER.key();
  public static final String RATE_LIMIT_LOGIN_EMAIL = Setting.RATE_LIMIT_LOGIN_EMAIL.key();
  public static final String RATE_LIMIT_CLAIM = Setting.RATE_LIMIT_CLAIM.key();
  public static final String RATE_LIMIT_CLAIM_ACCOUNT = Setting.RATE_LIMIT_CLAIM_ACCOUNT.key();
  public static final String RATE_LIMIT_EXPORT = Setting.RATE_LIMIT_EXPORT.key();
  public static final String SIGNUPS_ALLOWED = Setting.SIGNUPS_ALLOWED.key();
  public static final String SIGNUP_MODE = Setting.SIGNUP_MODE.key();
  public static final String ADMIN_EMAILS = Setting.ADMIN_EMAILS.key();
  public static final String JWT_SECRET = Setting.JWT_SECRET.key();
  public static final String ADMIN_2FA = Setting.ADMIN_2FA.key();
  public static final String BROWSER_LOGIN_HOURS = Setting.BROWSER_LOGIN_HOURS.key();
  public static final String TEMP_TOKEN_TTL_SECONDS = Setting.TEMP_TOKEN_TTL_SECONDS.key();
  public static final String SESSION_TTL_DAYS = Setting.SESSION_TTL_DAYS.key();
  public static final String CLEANUP_INTERVAL_SECONDS = Setting.CLEANUP_INTERVAL_SECONDS.key();
  public static final String HASHING_CONCURRENCY = Setting.HASHING_CONCURRENCY.key();
  public static final String HASHING_QUEUE = Setting.HASHING_QUEUE.key();
  public static final String OPS_PORT = Setting.OPS_PORT.key();
  public static final String SECRETS_DIR = Setting.SECRETS_DIR.key();
  public static final String MAX_JSON_BYTES = Setting.MAX_JSON_BYTES.key();
  public static final String IDLE_TIMEOUT_SECONDS = Setting.IDLE_TIMEOUT_SECONDS.key();
  public static final String GATEWAY_INSTANCES = Setting.GATEWAY_INSTANCES.key();
  public static final String SERVICE_INSTANCES = Setting.SERVICE_INSTANCES.key();
  public static final String LOG_LEVEL = Setting.LOG_LEVEL.key();
  public static final String LOG_FORMAT = Setting.LOG_FORMAT.key();
  public static final String METRICS = Setting.METRICS.key();
  public static final String METRICS_DISABLED = Setting.METRICS_DISABLED.key();
  public static final String CONFIG_FILE = Setting.CONFIG_FILE.key();
  public static final String KEK = Setting.KEK.key();
  public static final String KEK_ID = Setting.KEK_ID.key();
  public static final String KEK_PREVIOUS = Setting.KEK_PREVIOUS.key();
  public static final String MAX_BLOB_BYTES = Setting.MAX_BLOB_BYTES.key();
  public static final String MAX_ACCOUNT_BYTES = Setting.MAX_ACCOUNT_BYTES.key();
  public static final String LAST_SEEN_FLUSH_MS = Setting.LAST_SEEN_FLUSH_MS.key();
  public static final String AUDIT_FLUSH_MS = Setting.AUDIT_FLUSH_MS.key();
  public static final String AUDIT_BATCH_SIZE = Setting.AUDIT_BATCH_SIZE.key();
  public static final String AUDIT_BUFFER_MAX = Setting.AUDIT_BUFFER_MAX.key();
  public static final String AUDIT_RETENTION_DAYS = Setting.AUDIT_RETENTION_DAYS.key();
  public static final String REVOKED_DEVICE_RETENTION_DAYS = Setting.REVOKED_DEVICE_RETENTION_DAYS.key();
  public static final String DEVICE_AUTH_TIMEOUT_MS = Setting.DEVICE_AUTH_TIMEOUT_MS.key();
  /** The sign-up modes, as {@link #SIGNUP_MODE} and the admin API spell them. */
  public static final List<String> SIGNUP_MODES = List.of("open", "invite-only", "closed");

  private final JsonObject json;

  public Settings(JsonObject json) {
    this.json = json == null ? new JsonObject() : json;
  }

  public JsonObject json() {
    return json;
  }

  /** The value set for {@code setting} (trimmed), or null when it is unset or blank: no default applied. */
  public String configured(Setting setting) {
    return string(setting.key(), null);
  }

  /** The value, else the declared default (null for a setting without one). */
  public String string(Setting setting) {
    String value = configured(setting);
    return value != null ? value : setting.defaultValue(this);
  }

  /** A whole number (for a {@link Setting.Kind#SIZE}, also with a unit), else the declared default. */
  public long number(Setting setting) {
    return parseNumber(setting.key(), string(setting));
  }

  public int integer(Setting setting) {
    return toInt(setting.key(), number(setting));
  }

  public boolean bool(Setting setting) {
    return parseBool(setting.key(), string(setting));
  }

  /** Comma-separated values, trimmed, without empty ones; the declared default when unset. */
  public List<String> list(Setting setting) {
    String value = string(setting);
    return value == null ? List.of() : split(value);
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

    /** Without the value: for a value that may hold a secret, or an unknown name. */
    public InvalidSetting(String key, String message) {
      super(key + " " + message);
    }
  }

  public int integer(String key, int fallback) {
    return toInt(key, number(key, fallback));
  }

  private int toInt(String key, long value) {
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
    return value == null ? fallback : parseNumber(key, value);
  }

  private static long parseNumber(String key, String value) {
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
    return value == null ? fallback : parseBool(key, value);
  }

  private static boolean parseBool(String key, String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new InvalidSetting(key, value, "is not a yes/no value (true or false, yes or no, on or off)");
    };
  }

  /**
   * Checks every configured value by its declared {@link Setting.Kind} (numbers, sizes, yes/no, COUNT/SECONDS;
   * ports in range; the public URL's and the database URL's form), and refuses an unknown {@code FLAMINGO_*} name
   * (naming the closest known one): the first bad one throws {@link InvalidSetting}, whose message names the
   * variable (for a one-line start failure, exit 2). Nothing is connected to before this.
   */
  public Settings validate() {
    for (String key : json.fieldNames()) {
      if (key.startsWith("FLAMINGO_") && Setting.byKey(key).isEmpty() && !Setting.notAServerSetting(key)) {
        throw new InvalidSetting(key, "is not a setting of this server" + Setting.closest(key)
            .map(k -> ": did you mean " + k + "?").orElse("") + " (see docs/configuration.md)");
      }
    }
    for (Setting setting : Setting.values()) {
      if (configured(setting) != null) {
        check(setting);
      }
    }
    signupMode();
    String format = dev.flamingo.sync.common.ops.LogFormat.raw();
    if (!format.isEmpty() && !format.equals("text") && !format.equals("json")) {
      throw new InvalidSetting(LOG_FORMAT, format, "is not a log format (TEXT or JSON)");
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
    dbConnectOptions();
    return this;
  }

  private static final java.util.regex.Pattern RATE = java.util.regex.Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*");

  private void check(Setting setting) {
    String key = setting.key();
    String value = configured(setting);
    switch (setting.kind()) {
      case NUMBER, SIZE -> {
        long n = number(setting);
        if (key.endsWith("_PORT")) {
          // 0 where the declaration says it means "off" or "a free port"
          long min = "0".equals(setting.defaultValue(this)) ? 0 : 1;
          if (n < min || n > 65535) {
            throw new InvalidSetting(key, value, "is not a port (" + min + " to 65535)");
          }
        } else if (n < 0) {
          throw new InvalidSetting(key, value, "is negative");
        }
      }
      case YES_NO -> bool(setting);
      case RATE -> {
        java.util.regex.Matcher m = RATE.matcher(value);
        if (!m.matches() || Long.parseLong(m.group(2)) == 0) {
          throw new InvalidSetting(key, value, "is not a rate limit: COUNT/SECONDS, e.g. 10/60 (10 requests a minute)");
        }
      }
      case TEXT, LIST -> {
        if (setting == Setting.PUBLIC_URL) {
          checkPublicUrl(value);
        }
      }
    }
  }

  private static void checkPublicUrl(String value) {
    String wants = "is not a public URL: http(s)://host[:port] with no path or query, e.g. https://sync.example.com";
    java.net.URI uri;
    try {
      uri = new java.net.URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    } catch (java.net.URISyntaxException e) {
      throw new InvalidSetting(PUBLIC_URL, value, wants);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getUserInfo() != null
        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
        || uri.getRawFragment() != null || (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535))) {
      throw new InvalidSetting(PUBLIC_URL, value, wants);
    }
  }

  /**
   * Where to reach the database: {@link Setting#DB_URL} (a password in it percent-encoded: {@code @} as
   * {@code %40}, {@code /} as {@code %2F}, {@code #} as {@code %23}, {@code :} as {@code %3A}), with
   * {@link Setting#DB_USER} and {@link Setting#DB_PASSWORD} in place of the URL's user and password when they
   * are set. A URL that cannot be read is an {@link InvalidSetting} that never shows the URL (it may hold a
   * password).
   */
  public io.vertx.pgclient.PgConnectOptions dbConnectOptions() {
    io.vertx.pgclient.PgConnectOptions options;
    try {
      String url = dbUrl();
      if (url.indexOf('#') >= 0 || url.indexOf('@') != url.lastIndexOf('@')) {
        throw new IllegalArgumentException("unescaped # or @"); // read wrongly, or not at all, by the parser
      }
      options = io.vertx.pgclient.PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      throw new InvalidSetting(DB_URL, "cannot be read as postgresql://user:password@host:port/database: "
          + "percent-encode any /, @, #, : or % in the password (%2F, %40, %23, %3A, %25), or set the password in "
          + DB_PASSWORD + " instead (value not shown: it may hold a password)");
    }
    String user = configured(Setting.DB_USER);
    if (user != null) {
      options.setUser(user);
    }
    Object password = json.getValue(DB_PASSWORD); // as it is: a password may begin or end with spaces
    if (password != null && !password.toString().isEmpty()) {
      options.setPassword(password.toString());
    }
    return options;
  }

  /** The configured sign-up mode: {@link #SIGNUP_MODE}, else open or closed by {@link #SIGNUPS_ALLOWED}. */
  public String signupMode() {
    String mode = configured(Setting.SIGNUP_MODE);
    if (mode == null) {
      return Setting.SIGNUP_MODE.defaultValue(this);
    }
    String m = mode.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    if (!SIGNUP_MODES.contains(m)) {
      throw new InvalidSetting(SIGNUP_MODE, mode, "is not a sign-up mode (open, invite-only or closed)");
    }
    return m;
  }

  public List<String> list(String key) {
    return split(string(key, ""));
  }

  private static List<String> split(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public String dbUrl() {
    return string(Setting.DB_URL);
  }

  /** {@link #dbUrl()} with any password masked ({@code user:***@host}): for messages and the start banner. */
  public String dbUrlShown() {
    String url = dbUrl();
    int start = url.indexOf("://") + 3;
    int at = url.lastIndexOf('@');
    if (start < 3 || at < start) {
      return url;
    }
    int colon = url.indexOf(':', start);
    return colon >= 0 && colon < at ? url.substring(0, colon) + ":***" + url.substring(at) : url;
  }

  public String publicUrl() {
    String url = string(Setting.PUBLIC_URL);
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** A copy with one key replaced; handy for tests and the launcher. */
  public Settings with(String key, Object value) {
    return new Settings(json.copy().put(key, value));
  }
}
