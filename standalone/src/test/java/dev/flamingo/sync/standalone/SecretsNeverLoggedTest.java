package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.KeyCustody;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.testing.ApiClient;
import dev.flamingo.sync.testing.ApiClient.Response;
import dev.flamingo.sync.testing.TestCluster;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A full run of the one-box server (device flow, the authorize page's /login?token=…, key put/get/rotate,
 * blobs, failed logins, bad tokens, a password change, session rotation) with every log line captured at
 * DEBUG (a logback appender on the root logger, plus System.out/err): no password, session token, temp
 * token, login cookie, JWT, master key or server secret appears in them, nor in the stored audit rows nor
 * in the /api/audit and /api/web/audit answers.
 */
class SecretsNeverLoggedTest {
  static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{10,}");

  @Test
  void noSecretInLogsAuditRowsOrAuditAnswers() throws Exception {
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level rootLevel = root.getLevel();
    Logger access = logback.getLogger("flamingo.access"); // off in tests (test-support's logback-test.xml), on in production
    Level accessLevel = access.getLevel();
    access.setLevel(Level.DEBUG);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.setContext(logback);
    logs.start();
    root.addAppender(logs);
    root.setLevel(Level.DEBUG);
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    System.setOut(new PrintStream(tee(out, console), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(tee(err, console), true, StandardCharsets.UTF_8));

    Map<String, String> secrets = new LinkedHashMap<>();
    String audit;
    String webAudit;
    List<String> auditRows;
    try (TestDatabase db = TestDatabase.create()) {
      JsonObject config = TestConfig.base(db.url()).put(Settings.HTTP_PORT, TestCluster.freePort())
          .put(Settings.GATEWAY_INSTANCES, 1);
      secrets.put("JWT secret", config.getString(Settings.JWT_SECRET));
      secrets.put("KEK", config.getString("FLAMINGO_KEK"));
      Vertx vertx = Vertx.vertx();
      try {
        Services.deployAll(vertx, new Settings(config)).await();
        try (ApiClient api = new ApiClient(vertx, config.getInteger(Settings.HTTP_PORT))) {
          Run run = new Run(vertx, api, secrets);
          run.everything();
          audit = run.awaitAudit();
          webAudit = run.webAudit();
        }
      } finally {
        vertx.close().await();
      }
      auditRows = rows(db, "select * from device.audit_log");
    } finally {
      System.setOut(out);
      System.setErr(err);
      root.detachAppender(logs);
      root.setLevel(rootLevel);
      access.setLevel(accessLevel);
      logs.stop();
    }

    StringBuilder logText = new StringBuilder();
    for (ILoggingEvent e : logs.list) {
      logText.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" - ").append(e.getFormattedMessage())
          .append(' ').append(e.getMDCPropertyMap()).append(' ').append(e.getKeyValuePairs()).append('\n');
      if (e.getThrowableProxy() != null) {
        logText.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
      }
    }
    assertTrue(logs.list.size() > 20, "the run was logged: " + logs.list.size() + " lines:\n" + logText);
    assertTrue(logText.toString().contains("/api/sync/key"), "the access log was captured");
    assertTrue(auditRows.size() >= 5, "audit rows were stored: " + auditRows);
    Map<String, String> places = Map.of("the log", logText.toString(), "the console", console.toString(StandardCharsets.UTF_8),
        "the audit rows", String.join("\n", auditRows), "GET /api/audit", audit, "GET /api/web/audit", webAudit);
    System.out.println("secrets checked: " + secrets.size() + " in " + logs.list.size() + " log lines, "
        + auditRows.size() + " audit rows and two audit answers");
    for (var place : places.entrySet()) {
      for (var secret : secrets.entrySet()) {
        for (String needle : needles(secret.getValue())) {
          assertFalse(place.getValue().contains(needle), secret.getKey() + " appears in " + place.getKey() + ": "
              + excerpt(place.getValue(), needle));
        }
      }
      assertFalse(JWT.matcher(place.getValue()).find(), "a JWT appears in " + place.getKey());
    }
  }

  /** The HTTP steps; every secret the server is handed goes into {@code secrets}. */
  static final class Run {
    final Vertx vertx;
    final ApiClient api;
    final Map<String, String> secrets;
    String cookie;
    String token;

    Run(Vertx vertx, ApiClient api, Map<String, String> secrets) {
      this.vertx = vertx;
      this.api = api;
      this.secrets = secrets;
    }

    void everything() throws Exception {
      String email = "secrets@example.com";
      String password = secret("password", "correct horse " + Tokens.randomHex(8));
      Response reg = api.post("/api/auth/register", null, new JsonObject().put("email", email).put("password", password));
      assertEquals(200, reg.status, reg.toString());
      cookie = cookieOf(reg);
      // login failures: a wrong password, an unknown account, then the right one
      secret("wrong password", "correct horse " + Tokens.randomHex(8));
      assertEquals(401, api.post("/api/auth/login", null, new JsonObject().put("email", email)
          .put("password", secrets.get("wrong password"))).status);
      secret("unknown account's password", "unknown " + Tokens.randomHex(8));
      assertEquals(401, api.post("/api/auth/login", null, new JsonObject().put("email", "nobody@example.com")
          .put("password", secrets.get("unknown account's password"))).status);
      Response login = api.post("/api/auth/login", null, new JsonObject().put("email", email).put("password", password));
      assertEquals(200, login.status, login.toString());
      cookie = cookieOf(login);

      // the device flow, with the authorize page's URL holding the temp token
      Response init = api.post("/api/sync/init", null, new JsonObject().put("device_name", "Laptop").put("device_type", "desktop"));
      assertEquals(200, init.status, init.toString());
      String temp = secret("temp token", init.data().getString("temp_token"));
      WebClient page = WebClient.create(vertx);
      try {
        assertEquals(200, page.get(api.port(), "127.0.0.1", "/login?token=" + temp).send().await().statusCode());
      } finally {
        page.close();
      }
      assertEquals(200, web(HttpMethod.GET, "/api/web/device-request?token=" + temp, null).status);
      api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp)); // pending
      // the claim needs the password (key custody): a wrong one first
      secret("wrong claim password", "wrong horse " + Tokens.randomHex(8));
      assertEquals(400, web(HttpMethod.POST, "/api/sync/claim", new JsonObject().put("temp_token", temp)
          .put("password", secrets.get("wrong claim password"))).status);
      assertEquals(200, web(HttpMethod.POST, "/api/sync/claim", new JsonObject().put("temp_token", temp)
          .put("password", password)).status);
      Response paired = api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp));
      assertEquals(200, paired.status, paired.toString());
      token = secret("session token", paired.data().getString("session_token"));
      // what the gateway derives from it to open the session's key grant
      secret("grant key", KeyCustody.grantKeyBase64(token));
      api.post("/api/sync/token", null, new JsonObject().put("temp_token", temp)); // used: refused
      secret("guessed temp token", Tokens.randomHex(32));
      api.post("/api/sync/token", null, new JsonObject().put("temp_token", secrets.get("guessed temp token")));

      // the key, blobs
      byte[] key = Tokens.randomBytes(32);
      secret("master key", Base64.getEncoder().encodeToString(key));
      assertEquals(200, api.put("/api/sync/key", token, new JsonObject().put("master_key", secrets.get("master key"))).status);
      assertEquals(200, api.get("/api/sync/key", token).status);
      assertEquals(409, api.put("/api/sync/key", token, new JsonObject().put("master_key", secrets.get("master key"))).status);
      assertEquals(200, api.put("/api/sync/data/collection", token, StandaloneFlowTest.encrypt(key, "{\"collections\":[]}")).status);
      assertEquals(200, api.get("/api/sync/data/collection", token).status);
      assertEquals(200, api.get("/api/sync/data", token).status);
      byte[] rotated = Tokens.randomBytes(32);
      secret("rotated master key", Base64.getEncoder().encodeToString(rotated));
      assertEquals(200, api.put("/api/sync/key", token, new JsonObject().put("master_key", secrets.get("rotated master key"))
          .put("expected_version", 1)).status);
      assertEquals(200, api.put("/api/sync/data/history", token, StandaloneFlowTest.encrypt(rotated, "[]")).status);

      // bad bearer tokens, a rotated session, the old one refused
      secret("guessed session token", Tokens.randomHex(32));
      assertEquals(401, api.get("/api/sync/key", secrets.get("guessed session token")).status);
      Response rotate = api.post("/api/sync/rotate", token, new JsonObject());
      assertEquals(200, rotate.status, rotate.toString());
      String old = token;
      token = secret("rotated session token", rotate.data().getString("session_token"));
      assertEquals(401, api.get("/api/sync/key", old).status);

      // a password change (one wrong current password first)
      assertEquals(true, web(HttpMethod.POST, "/api/auth/password", new JsonObject()
          .put("current_password", secrets.get("wrong password")).put("new_password", "whatever " + Tokens.randomHex(8))).status >= 400);
      String changed = secret("new password", "battery staple " + Tokens.randomHex(8));
      Response change = web(HttpMethod.POST, "/api/auth/password", new JsonObject()
          .put("current_password", password).put("new_password", changed));
      assertEquals(200, change.status, change.toString());
      cookie = cookieOf(change);

      // a password-reset link's page (its token in the query string) and its form with a link that is no longer valid
      String resetToken = secret("reset link token", Tokens.newResetToken());
      WebClient resetPage = WebClient.create(vertx);
      try {
        assertEquals(200, resetPage.get(api.port(), "127.0.0.1", "/reset?token=" + resetToken).send().await().statusCode());
      } finally {
        resetPage.close();
      }
      assertEquals(400, api.post("/api/auth/reset-password", null, new JsonObject().put("token", resetToken)
          .put("password", secret("reset link password", "battery staple " + Tokens.randomHex(8)))).status);
    }

    String awaitAudit() throws InterruptedException {
      long deadline = System.currentTimeMillis() + 30_000;
      while (true) {
        Response r = api.get("/api/audit?limit=100", token);
        assertEquals(200, r.status, r.toString());
        String text = r.raw.bodyAsString();
        if ((text.contains("key.rotated") && text.contains("session.rotated")) || System.currentTimeMillis() > deadline) {
          assertTrue(text.contains("key.rotated"), text);
          return text;
        }
        Thread.sleep(100);
      }
    }

    String webAudit() {
      Response r = web(HttpMethod.GET, "/api/web/audit?limit=100", null);
      assertEquals(200, r.status, r.toString());
      return r.raw.bodyAsString();
    }

    Response web(HttpMethod method, String path, JsonObject body) {
      Map<String, String> headers = body == null ? Map.of("Cookie", cookie)
          : Map.of("Cookie", cookie, "Content-Type", "application/json");
      return api.send(method, path, null, body == null ? null : Buffer.buffer(body.encode()), headers);
    }

    String cookieOf(Response r) {
      String set = r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
      String value = set.substring("flamingo_login=".length(), set.indexOf(';'));
      secret("login cookie " + secrets.size(), value);
      return "flamingo_login=" + value;
    }

    String secret(String name, String value) {
      secrets.put(name, value);
      return value;
    }
  }

  /** The secret itself and, for long ones, its tail: a logged token "prefix" is fine, most of it is not. */
  static List<String> needles(String secret) {
    List<String> needles = new ArrayList<>();
    needles.add(secret);
    if (secret.length() >= 24) {
      needles.add(secret.substring(secret.length() - 16));
    }
    return needles;
  }

  static String excerpt(String text, String needle) {
    int at = text.indexOf(needle);
    int from = text.lastIndexOf('\n', at) + 1;
    int to = text.indexOf('\n', at);
    return text.substring(from, to < 0 ? text.length() : to);
  }

  static List<String> rows(TestDatabase db, String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.append(meta.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  static OutputStream tee(OutputStream a, OutputStream b) {
    return new OutputStream() {
      @Override
      public void write(int x) throws IOException {
        a.write(x);
        synchronized (b) {
          b.write(x);
        }
      }

      @Override
      public void write(byte[] bytes, int off, int len) throws IOException {
        a.write(bytes, off, len);
        synchronized (b) {
          b.write(bytes, off, len);
        }
      }

      @Override
      public void flush() throws IOException {
        a.flush();
      }
    };
  }
}
