package dev.flamingo.sync.data;

import static dev.flamingo.sync.data.DataFixture.randomBytes;
import static dev.flamingo.sync.data.DataFixture.seal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.Failures;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.bus.WireFormat;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The text form of {@link WireFormat} for the blob GET and PUT over the bus: the same statuses, bodies (as
 * JSON values) and headers as the JsonObject form, the client's raw body validated with the same texts,
 * and the JsonObject form unchanged without the headers.
 */
class BlobWireFormatTest {
  static final int MAX_BLOB = 2000;
  static final int MAX_ACCOUNT = 3000;
  @RegisterExtension
  static final DataFixture f = DataFixture.perClass(new JsonObject()
      .put("FLAMINGO_MAX_BLOB_BYTES", Integer.toString(MAX_BLOB))
      .put("FLAMINGO_MAX_ACCOUNT_BYTES", Integer.toString(MAX_ACCOUNT)));

  static DeliveryOptions options(long account, boolean textContent, boolean textAccept, Map<String, String> args) {
    DeliveryOptions o = RequestContext.anonymous("t", "127.0.0.1", "test").withAccount(account, "s1", "d1")
        .toDeliveryOptions(10000);
    if (textContent) {
      o.addHeader(WireFormat.H_CONTENT, WireFormat.TEXT);
    }
    if (textAccept) {
      o.addHeader(WireFormat.H_ACCEPT, WireFormat.TEXT);
    }
    args.forEach((k, v) -> o.addHeader(WireFormat.H_ARG_PREFIX + k, v));
    return o;
  }

  /** A text PUT as the new gateway sends it: the client's bytes, the arguments as headers, text accepted. */
  static Future<Message<Object>> textPut(long account, String rawBody, Map<String, String> args) {
    return f.vertx.eventBus().request(Addresses.DATA_BLOB_PUT, Buffer.buffer(rawBody), options(account, true, true, args));
  }

  static Future<Message<Object>> textGet(long account, JsonObject body) {
    return f.vertx.eventBus().request(Addresses.DATA_BLOB_GET, body, options(account, false, true, Map.of()));
  }

  static JsonObject bodyOf(Message<Object> reply) {
    Buffer body = assertInstanceOf(Buffer.class, reply.body());
    return new JsonObject(body);
  }

  static ServiceException failure(Future<?> request) {
    ReplyException e = assertThrows(ReplyException.class, request::await);
    return Failures.fromThrowable(e);
  }

  static String raw(DataFixture.Sealed s) {
    return s.body("ignored").copy().put("type", "history").toString().replace("\"type\":\"history\",", "")
        .replace(",\"type\":\"history\"", "");
  }

  @Test
  void aTextPutAnswersTheEnvelopeAndCacheHeadersOfTheJsonForm() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    DataFixture.Sealed s = seal(key, "[{\"id\":\"h1\"}]");
    Message<Object> reply = textPut(account, raw(s), Map.of("type", "history")).await();
    JsonObject body = bodyOf(reply);
    MultiMap h = reply.headers();
    assertNull(h.get(WireFormat.H_STATUS), "200 travels as no status header");
    long version = body.getJsonObject("data").getLong("version");
    assertEquals(new JsonObject().put("success", true).put("data", new JsonObject().put("data_type", "history")
        .put("version", version).put("blob_size_bytes", s.size())), body);
    // the same as the JsonObject form of the same write
    JsonObject json = f.call(Addresses.DATA_BLOB_PUT, account, s.body("history"));
    assertEquals(json.getJsonObject("data").put("version", version), body.getJsonObject("data"));
    assertEquals("\"" + version + "\"", h.get(WireFormat.H_HEADER_PREFIX + "ETag"));
    JsonObject get = f.call(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "history"));
    assertEquals(get.getJsonObject("headers").getString("Last-Modified").length(),
        h.get(WireFormat.H_HEADER_PREFIX + "Last-Modified").length());
    assertEquals(s.plaintext(), DataFixture.open(key, get.getJsonObject("data").getString("encrypted_blob"),
        get.getJsonObject("data").getString("nonce")));
  }

  @Test
  void aTextGetIsTheJsonGetAsAnEnvelope() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    String checksum = "quote\" backslash\\ newline\n é / \u0001";
    f.call(Addresses.DATA_BLOB_PUT, account, seal(key, "{\"theme\":\"dark\"}").body("setting").put("checksum", checksum));
    JsonObject json = f.call(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "setting"));
    Message<Object> text = textGet(account, new JsonObject().put("type", "setting")).await();
    assertEquals(new JsonObject().put("success", true).put("data", json.getJsonObject("data")), bodyOf(text));
    assertEquals(checksum, bodyOf(text).getJsonObject("data").getString("checksum"));
    assertNull(text.headers().get(WireFormat.H_STATUS));
    assertEquals(json.getJsonObject("headers").getString("ETag"), text.headers().get(WireFormat.H_HEADER_PREFIX + "ETag"));
    assertEquals(json.getJsonObject("headers").getString("Last-Modified"),
        text.headers().get(WireFormat.H_HEADER_PREFIX + "Last-Modified"));
  }

  /** What the gateway asks for: the data alone, the bytes the legacy envelope holds; the gateway writes the envelope. */
  @Test
  void aDataReplyIsTheEnvelopesData() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    DataFixture.Sealed s = seal(key, "[{\"id\":\"h2\"}]");
    DeliveryOptions put = options(account, true, false, Map.of("type", "history"))
        .addHeader(WireFormat.H_ACCEPT, WireFormat.DATA);
    Message<Object> written = f.vertx.eventBus().<Object>request(Addresses.DATA_BLOB_PUT, Buffer.buffer(raw(s)), put)
        .await();
    JsonObject data = bodyOf(written);
    assertEquals(new JsonObject().put("data_type", "history").put("version", data.getLong("version"))
        .put("blob_size_bytes", s.size()), data);
    assertEquals("\"" + data.getLong("version") + "\"", written.headers().get(WireFormat.H_HEADER_PREFIX + "ETag"));
    DeliveryOptions get = options(account, false, false, Map.of()).addHeader(WireFormat.H_ACCEPT, WireFormat.DATA);
    Buffer item = assertInstanceOf(Buffer.class, f.vertx.eventBus()
        .<Object>request(Addresses.DATA_BLOB_GET, new JsonObject().put("type", "history"), get).await().body());
    Buffer envelope = assertInstanceOf(Buffer.class, textGet(account, new JsonObject().put("type", "history"))
        .await().body());
    assertEquals("{\"success\":true,\"data\":" + item + "}", envelope.toString());
  }

  @Test
  void aMatchingIfNoneMatchIsA304WithAnEmptyBody() {
    long account = DataFixture.newAccount();
    long v = f.call(Addresses.DATA_BLOB_PUT, account, seal(randomBytes(32), "[]").body("history"))
        .getJsonObject("data").getLong("version");
    Message<Object> reply = textGet(account, new JsonObject().put("type", "history").put("if_none_match", "W/\"" + v + "\""))
        .await();
    assertEquals("304", reply.headers().get(WireFormat.H_STATUS));
    assertEquals(0, assertInstanceOf(Buffer.class, reply.body()).length());
    assertEquals("\"" + v + "\"", reply.headers().get(WireFormat.H_HEADER_PREFIX + "ETag"));
    assertEquals(404, failure(textGet(account, new JsonObject().put("type", "secret"))).status());
  }

  @Test
  void refusalsOfATextPutAreTheJsonFormsRefusals() {
    long account = DataFixture.newAccount();
    byte[] key = randomBytes(32);
    long v = f.call(Addresses.DATA_BLOB_PUT, account, seal(key, "[]").body("history")).getJsonObject("data").getLong("version");
    // 412: a stale If-Match as an argument header, with the current version
    ServiceException stale = failure(textPut(account, raw(seal(key, "[1]")), Map.of("type", "history", "if_match",
        "\"" + (v - 1) + "\"")));
    ServiceException staleJson = f.fail(Addresses.DATA_BLOB_PUT, account, seal(key, "[1]").body("history")
        .put("if_match", "\"" + (v - 1) + "\""));
    assertEquals(412, stale.status());
    assertEquals(staleJson.getMessage(), stale.getMessage());
    assertEquals(v, stale.data().getLong("version"));
    // a matching If-Match passes, and expected_version in the raw body is honoured as before
    textPut(account, raw(seal(key, "[2]")), Map.of("type", "history", "if_match", "\"" + v + "\"")).await();
    String withExpected = raw(seal(key, "[3]")).replaceFirst("\\{", "{\"expected_version\":" + v + ",");
    assertEquals(412, failure(textPut(account, withExpected, Map.of("type", "history"))).status());
    // 413: over the item limit and over the account quota
    ServiceException tooBig = failure(textPut(account, raw(seal(key, "x".repeat(MAX_BLOB))), Map.of("type", "history")));
    assertEquals(413, tooBig.status());
    assertEquals("encrypted_blob is larger than the limit of " + MAX_BLOB + " bytes", tooBig.getMessage());
    textPut(account, raw(seal(key, "x".repeat(1500))), Map.of("type", "collection")).await();
    ServiceException quota = failure(textPut(account, raw(seal(key, "x".repeat(1500))), Map.of("type", "environment")));
    assertEquals(413, quota.status());
    assertTrue(quota.getMessage().startsWith(
        "Storage quota exceeded: this account may store " + MAX_ACCOUNT + " bytes and would store "), quota.getMessage());
    // 409: a disabled type
    f.call(Addresses.DATA_CONFIG_PUT, account, new JsonObject().put("sync_secrets", false));
    ServiceException disabled = failure(textPut(account, raw(seal(key, "[]")), Map.of("type", "secret")));
    assertEquals(409, disabled.status());
    assertEquals("Sync of secret is disabled in sync config", disabled.getMessage());
  }

  @Test
  void theRawBodyIsValidatedWithTheSameTexts() {
    long account = DataFixture.newAccount();
    DataFixture.Sealed s = seal(randomBytes(32), "[]");
    Map<String, String> history = Map.of("type", "history");
    assertEquals("Invalid JSON body", failure(textPut(account, "{\"encrypted_blob\":", history)).getMessage());
    assertEquals("Request body must be a JSON object", failure(textPut(account, "[1,2]", history)).getMessage());
    assertEquals("Invalid data type", failure(textPut(account, raw(s), Map.of("type", "nope"))).getMessage());
    for (JsonObject bad : new JsonObject[] {
        new JsonObject().put("nonce", s.nonce()),
        new JsonObject().put("encrypted_blob", s.blob().replace('+', '-').replace('/', '_') + "-_").put("nonce", s.nonce()),
        new JsonObject().put("encrypted_blob", s.blob()).put("nonce", "AAAA"),
        new JsonObject().put("encrypted_blob", s.blob()).put("nonce", s.nonce()).put("checksum", 5),
        new JsonObject().put("encrypted_blob", s.blob()).put("nonce", s.nonce()).put("expected_version", "3"),
        new JsonObject()}) {
      ServiceException json = f.fail(Addresses.DATA_BLOB_PUT, account, bad.copy().put("type", "history"));
      ServiceException text = failure(textPut(account, bad.encode(), history));
      assertEquals(400, text.status(), bad.encode());
      assertEquals(json.getMessage(), text.getMessage(), bad.encode());
    }
    assertEquals(400, failure(textPut(account, "", history)).status());
    ServiceException badIfMatch = failure(textPut(account, raw(s), Map.of("type", "history", "if_match", "soon")));
    assertEquals("If-Match must be an ETag like \"3\"", badIfMatch.getMessage());
  }

  @Test
  void eachHeaderWorksAloneAndWithoutThemTheJsonFormIsUnchanged() {
    long account = DataFixture.newAccount();
    DataFixture.Sealed s = seal(randomBytes(32), "[]");
    // text content, JsonObject reply
    Message<Object> jsonReply = f.vertx.eventBus().request(Addresses.DATA_BLOB_PUT, Buffer.buffer(raw(s)),
        options(account, true, false, Map.of("type", "environment"))).await();
    JsonObject reply = assertInstanceOf(JsonObject.class, jsonReply.body());
    long v = reply.getJsonObject("data").getLong("version");
    assertEquals("\"" + v + "\"", reply.getJsonObject("headers").getString("ETag"));
    // a JsonObject request, text reply
    Message<Object> textReply = f.vertx.eventBus().request(Addresses.DATA_BLOB_PUT, s.body("setting"),
        options(account, false, true, Map.of())).await();
    assertEquals("setting", bodyOf(textReply).getJsonObject("data").getString("data_type"));
    // neither: today's contract
    JsonObject plain = f.call(Addresses.DATA_BLOB_GET, account, new JsonObject().put("type", "environment"));
    assertEquals(v, plain.getJsonObject("data").getLong("version"));
    assertEquals("\"" + v + "\"", plain.getJsonObject("headers").getString("ETag"));
  }

  @Test
  void theContractVersionIsStillChecked() {
    DeliveryOptions o = options(DataFixture.newAccount(), false, true, Map.of());
    o.getHeaders().set(RequestContext.H_CONTRACT, "99");
    ServiceException e = failure(f.vertx.eventBus().request(Addresses.DATA_BLOB_GET, new JsonObject().put("type", "history"), o));
    assertEquals(400, e.status());
  }
}
