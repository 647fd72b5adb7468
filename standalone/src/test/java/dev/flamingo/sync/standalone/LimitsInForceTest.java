package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.testing.ApiClient.Response;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** GET /api/sync/limits says what is really in force: with a small body limit, no blob it cannot take. */
class LimitsInForceTest {
  static JsonObject upload(int blobBytes) {
    byte[] blob = new byte[blobBytes];
    new SecureRandom().nextBytes(blob);
    return new JsonObject().put("encrypted_blob", Base64.getEncoder().encodeToString(blob))
        .put("nonce", Base64.getEncoder().encodeToString(new byte[12])).put("checksum", "x".repeat(256));
  }

  @Test
  void theAdvertisedBlobLimitFitsTheBodyLimit() throws Exception {
    try (OneBoxServer server = OneBoxServer.start(new JsonObject().put(Settings.MAX_BODY_BYTES, "2KiB"))) {
      String token = Pairing.pairDevice(server.api(), Pairing.register(server.api(), "limits@example.com"), "Laptop");
      Response limits = server.api().get("/api/sync/limits", token);
      assertEquals(200, limits.status, limits.toString());
      assertEquals(2048, limits.data().getLong("max_request_bytes"));
      long blob = limits.data().getLong("max_blob_bytes");
      assertTrue(blob > 0 && blob < 5L * 1024 * 1024, "not data-service's 5 MiB: " + limits);
      assertTrue(limits.data().getLong("max_account_bytes") > 0);

      Response fits = server.api().put("/api/sync/data/setting", token, upload((int) blob));
      assertEquals(200, fits.status, "a blob of the advertised size uploads: " + fits);
      Response over = server.api().put("/api/sync/data/setting", token, upload((int) blob + 600));
      assertEquals(413, over.status, over.toString());
    }
  }
}
