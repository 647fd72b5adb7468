package dev.flamingo.sync.data;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One data-service per test class: a fresh database, a Vert.x, a deployed {@link DataVerticle}, and
 * helpers that speak to it over the bus the way the gateway does, plus the client's AES-256-GCM.
 *
 * <p>A test class declares it as a JUnit extension, started before its tests and closed after them:
 * <pre>{@code @RegisterExtension static final DataFixture f = DataFixture.perClass();}</pre>
 * A test that needs a data-service of its own uses {@link #start()} in a try-with-resources.
 */
final class DataFixture implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  static final SecureRandom RANDOM = new SecureRandom();
  static final String[] TYPES = {"history", "environment", "secret", "collection", "setting"};

  private static final AtomicLong ACCOUNTS = new AtomicLong(1000);

  private final Supplier<Vertx> vertxFactory;
  private final JsonObject extra;
  TestDatabase db;
  Vertx vertx;
  byte[] kek;
  JsonObject config;
  private String deployment;

  private DataFixture(Supplier<Vertx> vertxFactory, JsonObject extra) {
    this.vertxFactory = vertxFactory;
    this.extra = extra;
  }

  /** The per-class extension: a DataVerticle with KEK id "t1" plus {@code extra} config on a plain Vert.x. */
  static DataFixture perClass(JsonObject extra) {
    return perClass(Vertx::vertx, extra);
  }

  /** As {@link #perClass(JsonObject)} on a Vert.x from {@code vertx} (e.g. one built with test metrics). */
  static DataFixture perClass(Supplier<Vertx> vertx, JsonObject extra) {
    return new DataFixture(vertx, extra);
  }

  static DataFixture perClass() {
    return perClass(new JsonObject());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    begin();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** A fresh database and a deployed DataVerticle with KEK id "t1", for one test; closed by the caller. */
  static DataFixture start() {
    return perClass().begin();
  }

  private DataFixture begin() {
    vertx = vertxFactory.get();
    db = TestDatabase.create();
    kek = randomBytes(32);
    config = new JsonObject()
        .put("FLAMINGO_DB_URL", db.url())
        .put("FLAMINGO_KEK", b64(kek))
        .put("FLAMINGO_KEK_ID", "t1")
        .mergeIn(extra);
    deployment = deploy(config);
    return this;
  }

  String deploy(JsonObject cfg) {
    return vertx.deployVerticle(new DataVerticle(), new DeploymentOptions().setConfig(cfg)).await();
  }

  /** Replaces the running DataVerticle with one built from {@code cfg}. */
  void redeploy(JsonObject cfg) {
    vertx.undeploy(deployment).await();
    deployment = deploy(cfg);
  }

  static long newAccount() {
    return ACCOUNTS.incrementAndGet();
  }

  // --- bus -------------------------------------------------------------------------------------

  Future<Message<JsonObject>> send(String address, Long account, JsonObject body) {
    return send(address, account, "d1", body);
  }

  /** As the gateway sends for {@code device} (the request context's device id). */
  Future<Message<JsonObject>> send(String address, Long account, String device, JsonObject body) {
    RequestContext ctx = RequestContext.anonymous("t", "127.0.0.1", "test");
    if (account != null) {
      ctx = ctx.withAccount(account, "d1".equals(device) ? "s1" : "s-" + device, device);
    }
    return vertx.eventBus().request(address, body, ctx.toDeliveryOptions(10000));
  }

  /** The whole reply of a request sent for {@code device}; fails the test on an error reply. */
  JsonObject callAs(String device, String address, long account, JsonObject body) {
    return send(address, account, device, body).await().body();
  }

  /** The error of a request sent for {@code device} that must fail. */
  ServiceException failAs(String device, String address, Long account, JsonObject body) {
    ReplyException e = assertThrows(ReplyException.class, () -> send(address, account, device, body).await());
    return Failures.fromThrowable(e);
  }

  /** The whole reply {data, message?, status?, headers?}; fails the test on an error reply. */
  JsonObject call(String address, long account, JsonObject body) {
    return send(address, account, body).await().body();
  }

  /** The error of a request that must fail. */
  ServiceException fail(String address, Long account, JsonObject body) {
    ReplyException e = assertThrows(ReplyException.class, () -> send(address, account, body).await());
    return Failures.fromThrowable(e);
  }

  static ServiceException failure(Future<?> f) {
    return Failures.fromThrowable(f.cause());
  }

  // --- JDBC for peeking at the stored rows ------------------------------------------------------

  Connection jdbc() throws SQLException {
    return db.connect();
  }

  @Override
  public void close() {
    try {
      if (vertx != null) {
        vertx.close().await();
      }
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }

  // --- the client's crypto ----------------------------------------------------------------------

  /** One encrypted blob as the client sends it. */
  record Sealed(String blob, String nonce, String plaintext, String checksum) {
    JsonObject body(String type) {
      JsonObject body = new JsonObject().put("type", type).put("encrypted_blob", blob).put("nonce", nonce);
      if (checksum != null) {
        body.put("checksum", checksum);
      }
      return body;
    }

    int size() {
      return Base64.getDecoder().decode(blob).length;
    }
  }

  static Sealed seal(byte[] key, String plaintext) {
    try {
      byte[] iv = randomBytes(12);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      String checksum = HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(plaintext.getBytes(StandardCharsets.UTF_8)));
      return new Sealed(b64(sealed), b64(iv), plaintext, checksum);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String open(byte[] key, String blob, String nonce) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(128, Base64.getDecoder().decode(nonce)));
      return new String(cipher.doFinal(Base64.getDecoder().decode(blob)), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new AssertionError("stored blob does not decrypt", e);
    }
  }

  /** A plaintext shaped like the client's data of that type. */
  static String plaintext(String type, int n) {
    return switch (type) {
      case "history" -> "[{\"id\":\"h" + n + "\",\"method\":\"GET\",\"url\":\"https://example.com/" + n + "\"}]";
      case "environment" -> "[{\"id\":\"e" + n + "\",\"name\":\"dev\",\"variables\":{\"HOST\":\"h" + n + "\"}}]";
      case "secret" -> "[{\"id\":\"s" + n + "\",\"name\":\"token\",\"value\":\"v" + n + "\"}]";
      case "collection" -> "{\"collections\":[{\"id\":\"c" + n + "\"}],\"requests\":[{\"id\":\"r" + n + "\"}]}";
      case "setting" -> "{\"theme\":\"dark\",\"n\":" + n + "}";
      default -> "{\"n\":" + n + "}";
    };
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
