package dev.flamingo.sync.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP client that speaks the wire contract, blocking (call it from the test thread). Every answer
 * is parsed as the JSON envelope; a body that is not JSON fails the test, as it would break the client.
 * A connection is given {@link #CONNECT_TIMEOUT_MS} and a request {@link #REQUEST_TIMEOUT_MS} from sending it to
 * the whole answer: a server that hangs fails the test with the request named, instead of hanging it.
 */
public final class ApiClient implements AutoCloseable {
  public static final long CONNECT_TIMEOUT_MS = 10_000;
  public static final long REQUEST_TIMEOUT_MS = 60_000;
  private final WebClient client;
  private final String host;
  private final int port;

  public ApiClient(Vertx vertx, int port) {
    this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false)
        .setConnectTimeout((int) CONNECT_TIMEOUT_MS));
    this.host = "127.0.0.1";
    this.port = port;
  }

  public int port() {
    return port;
  }

  public Response get(String path, String bearer) {
    return send(HttpMethod.GET, path, bearer, null, Map.of());
  }

  public Response post(String path, String bearer, JsonObject body) {
    return send(HttpMethod.POST, path, bearer, body == null ? null : Buffer.buffer(body.encode()), Map.of());
  }

  public Response put(String path, String bearer, JsonObject body) {
    return send(HttpMethod.PUT, path, bearer, Buffer.buffer(body.encode()), Map.of());
  }

  public Response delete(String path, String bearer) {
    return send(HttpMethod.DELETE, path, bearer, null, Map.of());
  }

  /**
   * A browser's request on the cookie API: the login {@code cookie} ("flamingo_login=..."), the page's
   * {@code origin} and the {@code body} as JSON; each is left out when null.
   */
  public Response web(HttpMethod method, String path, String cookie, String origin, JsonObject body) {
    return web(method, path, cookie, origin, body, Map.of());
  }

  /** {@link #web(HttpMethod, String, String, String, JsonObject)} with more {@code headers} (e.g. X-Forwarded-For). */
  public Response web(HttpMethod method, String path, String cookie, String origin, JsonObject body,
      Map<String, String> headers) {
    Map<String, String> all = new HashMap<>(headers);
    if (cookie != null) {
      all.put("Cookie", cookie);
    }
    if (origin != null) {
      all.put("Origin", origin);
    }
    return send(method, path, null, body == null ? null : Buffer.buffer(body.encode()), all);
  }

  public Response send(HttpMethod method, String path, String bearer, Buffer body, Map<String, String> headers) {
    HttpRequest<Buffer> request = client.request(method, port, host, path)
        .connectTimeout(CONNECT_TIMEOUT_MS).timeout(REQUEST_TIMEOUT_MS);
    if (bearer != null) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    if (body != null) {
      request.putHeader("Content-Type", "application/json");
    }
    headers.forEach(request::putHeader);
    HttpResponse<Buffer> response;
    try {
      // the client's own timeouts end the request; this bound is the last resort should they not fire
      response = (body == null ? request.send() : request.sendBuffer(body))
          .await(REQUEST_TIMEOUT_MS + CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(method + " " + path + ": no answer within " + (REQUEST_TIMEOUT_MS + CONNECT_TIMEOUT_MS) + " ms", e);
    }
    return new Response(response);
  }

  @Override
  public void close() {
    client.close();
  }

  /** A response: status, headers and the envelope. */
  public static final class Response {
    public final int status;
    public final HttpResponse<Buffer> raw;
    public final JsonObject body;

    Response(HttpResponse<Buffer> raw) {
      this.raw = raw;
      this.status = raw.statusCode();
      Buffer b = raw.body();
      if (status == 204 || status == 304) {
        this.body = b == null || b.length() == 0 ? null : b.toJsonObject();
      } else {
        if (b == null) {
          throw new AssertionError("Empty body with status " + status);
        }
        try {
          this.body = b.toJsonObject();
        } catch (RuntimeException e) {
          throw new AssertionError("Not a JSON envelope (status " + status + "): " + b, e);
        }
      }
    }

    public JsonObject data() {
      return body.getJsonObject("data");
    }

    public String error() {
      return body.getString("error");
    }

    public String header(String name) {
      return raw.getHeader(name);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }
}
