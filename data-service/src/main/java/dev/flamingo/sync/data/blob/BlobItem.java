package dev.flamingo.sync.data.blob;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One stored blob as the contract shows it. */
public record BlobItem(String dataType, String blob, String nonce, long version, String checksum, int size,
    Instant updatedAt) {

  /** The JSON form: {data_type, encrypted_blob, nonce, version, checksum, blob_size_bytes, updated_at}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("data_type", dataType)
        .put("encrypted_blob", blob)
        .put("nonce", nonce)
        .put("version", version)
        .put("checksum", checksum)
        .put("blob_size_bytes", size)
        .put("updated_at", updatedAt.toString());
  }
}
