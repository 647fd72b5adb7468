package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.security.Tokens;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The fail2ban line ({@code auth-failure}, logger {@code flamingo.security}) counts guessed credentials only: a
 * wrong password, a guessed or expired token, an unknown bearer token. An app polling for its token before the
 * user authorizes it and a page asking who is signed in while no one is log nothing there.
 */
class AuthFailureLogTest {
  static final String EMAIL = "pairing-person@example.org";
  static final String PASSWORD = "correct horse battery staple 42";

  OneBoxServer server;
  ListAppender<ILoggingEvent> lines = new ListAppender<>();
  Logger security;

  @BeforeEach
  void start() {
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    security = logback.getLogger("flamingo.security");
    lines.setContext(logback);
    lines.start();
    security.addAppender(lines);
    server = OneBoxServer.start(new JsonObject().put(Settings.RATE_LIMIT_TOKEN, "1000/60")
        .put(Settings.RATE_LIMIT_LOGIN, "1000/60"));
  }

  @AfterEach
  void stop() {
    server.close();
    security.detachAppender(lines);
    lines.stop();
  }

  /** The auth-failure lines so far. */
  List<String> failures() {
    synchronized (lines) {
      return lines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("auth-failure"))
          .toList();
    }
  }

  /** The auth-failure lines once there are {@code count} (each is written as its answer ends), or after 30 s. */
  List<String> awaitFailures(int count) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (failures().size() < count && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return failures();
  }

  Response post(String path, String bearer, JsonObject body, String cookie) {
    return server.api().send(HttpMethod.POST, path, bearer, Buffer.buffer(body.encode()),
        cookie == null ? Map.of() : Map.of("Cookie", cookie));
  }

  String register() {
    Response r = post("/api/auth/register", null, new JsonObject().put("email", EMAIL).put("password", PASSWORD), null);
    assertEquals(200, r.status, r.toString());
    String setCookie = r.raw.cookies().stream().filter(c -> c.startsWith("flamingo_login=")).findFirst().orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  @Test
  void pollingBeforeAuthorizingAndAnonymousPagesLogNoFailure() {
    Response init = post("/api/sync/init", null, new JsonObject().put("device_name", "laptop").put("device_type", "desktop"), null);
    assertEquals(200, init.status, init.toString());
    String temp = init.data().getString("temp_token");
    for (int i = 0; i < 15; i++) { // 30 s of the app's polling, every 2 s
      Response poll = post("/api/sync/token", null, new JsonObject().put("temp_token", temp), null);
      assertEquals(400, poll.status, poll.toString());
      assertEquals("Token not yet authorized. Complete login first.", poll.error());
      Response me = server.api().get("/api/auth/me", null); // the sign-in page's "who am I", before signing in
      assertEquals(401, me.status, me.toString());
    }
    String cookie = register();
    assertEquals(200, post("/api/sync/claim", null, new JsonObject().put("temp_token", temp).put("password", PASSWORD),
        cookie).status);
    assertEquals(200, post("/api/sync/token", null, new JsonObject().put("temp_token", temp), null).status);
    // a marker that does count: once its line is there, every earlier request's line would be too
    assertEquals(401, post("/api/auth/login", null, new JsonObject().put("email", EMAIL).put("password", "Tr0ub4dor&3-wide-orbit"),
        null).status);
    assertEquals(List.of("auth-failure ip=127.0.0.1 method=POST path=/api/auth/login status=401"), awaitFailures(1),
        "a person pairing a device is no suspect");
  }

  @Test
  void wrongPasswordsAndGuessedTokensLogOneLineEach() {
    String cookie = register();
    Response login = post("/api/auth/login", null, new JsonObject().put("email", EMAIL).put("password", "Tr0ub4dor&3-wide-orbit"), null);
    assertEquals(401, login.status, login.toString());
    Response unknownSession = server.api().get("/api/sync/config", "flm_sync_" + Tokens.randomHex(64));
    assertEquals(401, unknownSession.status, unknownSession.toString());
    Response unknownTemp = post("/api/sync/token", null, new JsonObject().put("temp_token", "flm_temp_" + Tokens.randomHex(32)), null);
    assertEquals(400, unknownTemp.status, unknownTemp.toString());
    Response init = post("/api/sync/init", null, new JsonObject().put("device_name", "laptop").put("device_type", "desktop"), null);
    Response wrongClaim = post("/api/sync/claim", null, new JsonObject().put("temp_token", init.data().getString("temp_token"))
        .put("password", "Tr0ub4dor&3-wide-orbit"), cookie);
    assertEquals(400, wrongClaim.status, wrongClaim.toString());
    Response guessedReset = post("/api/auth/reset-password", null, new JsonObject()
        .put("token", Tokens.newResetToken()).put("password", "correct horse battery staple 42"), null);
    assertEquals(400, guessedReset.status, guessedReset.toString());

    List<String> failures = awaitFailures(5);
    assertEquals(List.of(
        "auth-failure ip=127.0.0.1 method=POST path=/api/auth/login status=401",
        "auth-failure ip=127.0.0.1 method=GET path=/api/sync/config status=401",
        "auth-failure ip=127.0.0.1 method=POST path=/api/sync/token status=400",
        "auth-failure ip=127.0.0.1 method=POST path=/api/sync/claim status=400",
        "auth-failure ip=127.0.0.1 method=POST path=/api/auth/reset-password status=400"), failures);
  }
}
