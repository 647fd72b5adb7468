package dev.flamingo.sync.data.blob;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.bus.TextReply;
import dev.flamingo.sync.common.bus.WireFormat;
import dev.flamingo.sync.data.support.Versions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The blob GET and PUT over the bus, answered once as a {@link TextReply} that {@code ServiceConsumers} sends in
 * the form asked: without the headers of {@link WireFormat}, the JsonObject contract of
 * {@code bus-contracts.json}; with {@code flamingo-accept: data}, the reply is the JSON of the envelope's
 * {@code data} (written straight from the row, the 4 KiB string never goes through a JsonObject; the gateway
 * writes the envelope around it) plus the status and ETag / Last-Modified as reply headers; with
 * {@code flamingo-content: text}, the PUT body is the client's raw JSON, parsed once here as the gateway would
 * (same 400 texts), its arguments taken from headers. The JSON PUT body and {@code flamingo-accept: text} (the
 * whole envelope, {@link TextReply#as}) are what gateways of the release in {@code deploy/previous-release} may
 * still send during a rolling upgrade.
 */
public final class BlobWire {
  static final String ARG_TYPE = WireFormat.H_ARG_PREFIX + "type";
  static final String ARG_IF_MATCH = WireFormat.H_ARG_PREFIX + "if_match";
  static final String ARG_IF_NONE_MATCH = WireFormat.H_ARG_PREFIX + "if_none_match";

  private static final JsonFactory JSON = new JsonFactory();

  private final BlobService blobs;

  public BlobWire(BlobService blobs) {
    this.blobs = blobs;
  }

  /** The item, or a 304 when If-None-Match matches it: one reply, sent in the form asked ({@link TextReply#as}). */
  public Future<TextReply> get(Message<Object> message, RequestContext ctx) {
    JsonObject body = message.body() instanceof JsonObject json ? json : new JsonObject();
    return blobs.get(body, ctx).map(f -> {
      BlobItem item = f.item();
      TextReply reply = f.notModified() ? TextReply.of(304, Buffer.buffer()) : TextReply.of(200, data(item));
      return cacheHeaders(reply, item.version(), item.updatedAt());
    });
  }

  public Future<TextReply> put(Message<Object> message, RequestContext ctx) {
    return blobs.put(request(message), ctx).map(BlobWire::written);
  }

  /** An item as the blob GET answers it (a revision read back is answered the same way). */
  public static TextReply item(BlobItem item) {
    return cacheHeaders(TextReply.of(200, data(item)), item.version(), item.updatedAt());
  }

  /** A write as the blob PUT answers it (a restore is answered the same way): the new version's ETag. */
  public static TextReply written(BlobService.Written w) {
    return cacheHeaders(TextReply.of(200, data(w)), w.version(), w.updatedAt());
  }

  /** The PUT's JSON body: as sent, or (text content) the client's bytes parsed once with the arguments added. */
  static JsonObject request(Message<Object> message) {
    Object raw = message.body();
    MultiMap headers = message.headers();
    if (!WireFormat.TEXT.equals(headers.get(WireFormat.H_CONTENT)) || !(raw instanceof Buffer buffer)) {
      return raw instanceof JsonObject json ? json : new JsonObject();
    }
    JsonObject body = parse(buffer);
    copy(headers, ARG_TYPE, body, "type");
    copy(headers, ARG_IF_MATCH, body, "if_match");
    copy(headers, ARG_IF_NONE_MATCH, body, "if_none_match");
    return body;
  }

  /** As the gateway reads a JSON body: empty is an empty object, else a JSON object or 400. */
  static JsonObject parse(Buffer buffer) {
    return dev.flamingo.sync.common.bus.JsonBody.object(buffer);
  }

  private static void copy(MultiMap headers, String header, JsonObject body, String field) {
    String value = headers.get(header);
    if (value != null) {
      body.put(field, value);
    }
  }

  private static TextReply cacheHeaders(TextReply reply, long version, Instant updatedAt) {
    return reply.withHeader("ETag", Versions.etag(version)).withHeader("Last-Modified", Versions.httpDate(updatedAt));
  }

  private static final byte[] DATA_START = "{\"data_type\":".getBytes(StandardCharsets.US_ASCII);

  /**
   * {data_type, encrypted_blob, nonce, version, checksum, blob_size_bytes, updated_at} (the envelope's data),
   * assembled straight into one buffer. {@code encrypted_blob} and {@code nonce} are copied as stored, without
   * JSON string escaping: every stored value passed {@link BlobBody#isStandardBase64} on its way in (the base64
   * alphabet needs no escaping), so the 4 KiB string is one array copy instead of a character-by-character
   * escape check. A value that is not standard base64 (never written by this service) goes through the
   * JSON encoder, so the envelope stays valid JSON whatever the row holds.
   */
  static Buffer data(BlobItem item) {
    String blob = item.blob();
    // one heap buffer, written from the strings directly (no byte[] of the 4 KiB string first), wrapped at the end
    ByteBuf out = Unpooled.buffer(blob.length() + item.nonce().length() + 256);
    out.writeBytes(DATA_START);
    ascii(out, Json.encode(item.dataType()));
    ascii(out, ",\"encrypted_blob\":");
    base64String(out, blob);
    ascii(out, ",\"nonce\":");
    base64String(out, item.nonce());
    ascii(out, ",\"version\":");
    ascii(out, Long.toString(item.version()));
    ascii(out, ",\"checksum\":");
    utf8(out, item.checksum() == null ? "null" : Json.encode(item.checksum()));
    ascii(out, ",\"blob_size_bytes\":");
    ascii(out, Integer.toString(item.size()));
    ascii(out, ",\"updated_at\":\"");
    ascii(out, item.updatedAt().toString());
    ascii(out, "\"}");
    return BufferInternal.buffer(out);
  }

  private static void base64String(ByteBuf out, String value) {
    if (BlobBody.isStandardBase64(value)) {
      out.writeByte('"');
      ascii(out, value);
      out.writeByte('"');
    } else {
      utf8(out, Json.encode(value));
    }
  }

  private static void ascii(ByteBuf out, String value) {
    out.writeCharSequence(value, StandardCharsets.US_ASCII);
  }

  private static void utf8(ByteBuf out, String value) {
    out.writeCharSequence(value, StandardCharsets.UTF_8);
  }

  /** {data_type, version, blob_size_bytes} (the envelope's data). */
  static Buffer data(BlobService.Written w) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("data_type", w.type());
      g.writeNumberField("version", w.version());
      g.writeNumberField("blob_size_bytes", w.size());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }
}
