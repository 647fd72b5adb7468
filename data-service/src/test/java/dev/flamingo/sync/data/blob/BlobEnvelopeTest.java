package dev.flamingo.sync.data.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flamingo.sync.common.bus.TextReply;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The blob GET's data is assembled by hand (the base64 copied without escaping): it must be the same
 * JSON as the encoder would write, for every value a row can hold, including ones no PUT would accept.
 */
class BlobEnvelopeTest {
  private static final Instant AT = Instant.parse("2026-11-25T10:15:30.123456Z");

  private static JsonObject parsed(BlobItem item) {
    return new JsonObject(TextReply.envelope(BlobWire.data(item)).toString());
  }

  private static JsonObject expected(BlobItem item) {
    return new JsonObject().put("success", true).put("data", item.toJson());
  }

  @Test
  void aStoredBlobIsTheEncodersJson() {
    byte[] bytes = new byte[4096];
    ThreadLocalRandom.current().nextBytes(bytes);
    String blob = Base64.getEncoder().encodeToString(bytes);
    BlobItem item = new BlobItem("history", blob, "AAAAAAAAAAAAAAAA", 42, "sha256:ab\"c\\d\u0001é", 4096, AT);
    JsonObject json = parsed(item);
    assertEquals(expected(item), json);
    assertEquals(blob, json.getJsonObject("data").getString("encrypted_blob"));
    assertEquals("sha256:ab\"c\\d\u0001é", json.getJsonObject("data").getString("checksum"));
  }

  @Test
  void aNullChecksumIsNull() {
    BlobItem item = new BlobItem("setting", "AAAAAAAAAAAAAAAAAAAAAA==", "AAAAAAAAAAAAAAAA", 1, null, 16, AT);
    JsonObject json = parsed(item);
    assertEquals(expected(item), json);
    assertNull(json.getJsonObject("data").getString("checksum"));
  }

  @Test
  void aValueThatIsNotBase64IsStillEscaped() {
    // never written through the API, but a restored or hand-edited row must not break the JSON
    BlobItem item = new BlobItem("secret", "ab\"},\"x\":\"\\\n", "é\u0000", 7, "c", 3, AT);
    JsonObject json = parsed(item);
    assertEquals(expected(item), json);
    assertEquals("ab\"},\"x\":\"\\\n", json.getJsonObject("data").getString("encrypted_blob"));
    assertEquals(2, json.size());
  }
}
