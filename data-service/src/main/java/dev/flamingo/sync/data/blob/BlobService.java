package dev.flamingo.sync.data.blob;

import dev.flamingo.sync.common.bus.Reply;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.ops.Observability;
import dev.flamingo.sync.data.config.ConfigStore;
import dev.flamingo.sync.data.support.DataSettings;
import dev.flamingo.sync.data.support.DataTypes;
import dev.flamingo.sync.data.support.Events;
import dev.flamingo.sync.data.support.Versions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Encrypted blobs, validated without the key. Plain PUTs are last-write-wins (the shipped client needs
 * that); a PUT with If-Match is refused with 412 when stale. Every write runs in one transaction that
 * holds the account's version counter, so versions only go up and nothing is half-written.
 */
public final class BlobService {

  private final BlobStore store;
  private final ConfigStore config;
  private final DataSettings limits;
  private final Events events;

  public BlobService(BlobStore store, ConfigStore config, DataSettings limits, Events events) {
    this.store = store;
    this.config = config;
    this.limits = limits;
    this.events = events;
  }

  public Future<JsonObject> list(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    Long sinceVersion = null;
    OffsetDateTime sinceTime = null;
    if (body.getValue("since") instanceof String since && !since.isBlank()) {
      if (since.matches("\\d{1,18}")) {
        sinceVersion = Long.parseLong(since);
      } else {
        try {
          sinceTime = OffsetDateTime.parse(since);
        } catch (DateTimeParseException e) {
          throw new ServiceException(400, "since must be a version number or an ISO-8601 time");
        }
      }
    }
    Future<Long> latest = store.latestVersion(account);
    return store.list(account, sinceVersion, sinceTime).compose(items -> latest.map(v -> Reply.data(new JsonObject()
        .put("items", items).put("count", items.size()).put("latest_version", v))));
  }

  public Future<JsonObject> get(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    String type = DataTypes.require(body.getValue("type"));
    return store.get(account, type).map(item -> {
      if (item == null) {
        throw ServiceException.notFound("Not found: no synced " + type);
      }
      long version = item.getLong("version");
      if (Versions.noneMatch(body.getValue("if_none_match"), version)) {
        return cacheHeaders(Reply.withStatus(Reply.data(null), 304), item);
      }
      return cacheHeaders(Reply.data(item), item);
    });
  }

  public Future<JsonObject> put(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    String type = DataTypes.require(body.getValue("type"));
    String blob = base64Field(body, "encrypted_blob");
    String nonce = base64Field(body, "nonce");
    Object checksumValue = body.getValue("checksum");
    if (checksumValue != null && !(checksumValue instanceof String)) {
      throw new ServiceException(400, "checksum must be a string");
    }
    String checksum = (String) checksumValue;
    if (checksum != null && checksum.length() > 256) {
      throw new ServiceException(400, "checksum must be at most 256 characters");
    }
    if (Base64.getDecoder().decode(nonce).length != 12) {
      throw new ServiceException(400, "nonce must be the base64 of 12 bytes");
    }
    int size = decodedLength(blob);
    if (size < 16) {
      throw new ServiceException(400, "encrypted_blob must be at least 16 bytes (ciphertext and GCM tag)");
    }
    if (size > limits.maxBlobBytes()) {
      throw new ServiceException(413, "encrypted_blob is larger than the limit of " + limits.maxBlobBytes() + " bytes");
    }
    Long ifMatch = Versions.expected(body);
    return config.get(account).compose(settings -> {
      if (!settings.getBoolean(DataTypes.CONFIG_KEY.get(type))) {
        return Future.failedFuture(new ServiceException(409, "Sync of " + type + " is disabled in sync config"));
      }
      return store.pool().withTransaction(tx -> store.nextVersion(tx, account)
          .compose(next -> store.currentAndOthers(tx, account, type).compose(state -> {
            long current = state[0];
            if (ifMatch != null && current != ifMatch) {
              return Future.failedFuture(new ServiceException(412, "Precondition failed: the stored version is newer",
                  new JsonObject().put("version", current < 0 ? null : current)));
            }
            if (state[1] + size > limits.maxAccountBytes()) {
              return Future.failedFuture(new ServiceException(413, "This account's synced data would exceed the limit of "
                  + limits.maxAccountBytes() + " bytes"));
            }
            return store.upsert(tx, account, type, blob, nonce, checksum, size, next);
          })));
    }).map(item -> {
      events.changed(account, type, item.getLong("version"));
      Observability.count("blob_bytes_written", size);
      return cacheHeaders(Reply.data(new JsonObject().put("data_type", type).put("version", item.getLong("version"))
          .put("blob_size_bytes", size)), item);
    });
  }

  public Future<JsonObject> delete(JsonObject body, RequestContext ctx) {
    long account = ctx.requireAccount();
    String type = DataTypes.require(body.getValue("type"));
    Long ifMatch = Versions.expected(body);
    return store.delete(account, type, ifMatch).compose(deleted -> {
      if (deleted != null) {
        events.changed(account, type, null);
        return Future.succeededFuture(Reply.message("Synced " + type + " cleared"));
      }
      if (ifMatch == null) {
        return Future.failedFuture(ServiceException.notFound("Not found: no synced " + type));
      }
      return store.get(account, type).map(item -> {
        if (item == null) {
          throw ServiceException.notFound("Not found: no synced " + type);
        }
        throw new ServiceException(412, "Precondition failed: the stored version is newer",
            new JsonObject().put("version", item.getLong("version")));
      });
    });
  }

  public Future<JsonObject> limits(JsonObject body, RequestContext ctx) {
    return Future.succeededFuture(Reply.data(new JsonObject()
        .put("max_blob_bytes", limits.maxBlobBytes())
        .put("max_account_bytes", limits.maxAccountBytes())
        .put("data_types", new io.vertx.core.json.JsonArray(DataTypes.CONFIG_KEY.keySet().stream().toList()))));
  }

  private static JsonObject cacheHeaders(JsonObject reply, JsonObject item) {
    Reply.withHeader(reply, "ETag", Versions.etag(item.getLong("version")));
    Instant updated = Instant.parse(item.getString("updated_at"));
    return Reply.withHeader(reply, "Last-Modified",
        DateTimeFormatter.RFC_1123_DATE_TIME.format(updated.atOffset(ZoneOffset.UTC)));
  }

  private static String base64Field(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw new ServiceException(400, key + " is required (a base64 string)");
    }
    if (!isStandardBase64(s)) {
      throw new ServiceException(400, key + " must be standard base64");
    }
    return s;
  }

  private static final boolean[] ALPHABET = new boolean[128];

  static {
    for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray()) {
      ALPHABET[c] = true;
    }
  }

  /** Standard alphabet, padded to a multiple of 4, '=' only at the end; no whitespace, no URL-safe chars. */
  static boolean isStandardBase64(String s) {
    int n = s.length();
    if (n % 4 != 0) {
      return false;
    }
    int end = n - (s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0);
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (c >= 128 || !ALPHABET[c]) {
        return false;
      }
    }
    return true;
  }

  private static int decodedLength(String base64) {
    int padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
    return base64.length() / 4 * 3 - padding;
  }
}
