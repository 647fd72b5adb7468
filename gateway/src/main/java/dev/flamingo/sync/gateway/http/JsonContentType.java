package dev.flamingo.sync.gateway.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Every API body is JSON, and a body is read only when the request says so: {@code Content-Type: application/json}
 * (any case, parameters such as {@code charset} allowed). Any other body, or a body without a Content-Type, is 415
 * with the envelope before it is parsed (a form or text body a browser may send cross-site without a preflight
 * never reaches a route). A request without a body (or with an empty one) needs no Content-Type. The shipped client,
 * the web pages and the scripts always send it with a body (docs/protocol.md).
 */
public final class JsonContentType {
  public static final String REFUSED = "Content-Type must be application/json";

  private JsonContentType() {}

  /**
   * Route handler, before the BodyHandler (on the request's headers: nothing is read of a refused body) and after it
   * (on what was read: an HTTP/2 body may come without a Content-Length). A RequestBody's length is -1 when there was
   * no body at all; a multipart body is read into form attributes, not the body, hence the headers first.
   */
  public static void require(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    boolean body = declaresBody(request) || ctx.body() != null && ctx.body().length() > 0;
    if (!body || isJson(request.getHeader(HttpHeaders.CONTENT_TYPE))) {
      ctx.next();
    } else {
      Envelope.error(ctx, 415, REFUSED);
    }
  }

  /** A Content-Length over 0, or a chunked body (which may still turn out empty: refused all the same). */
  static boolean declaresBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      try {
        return Long.parseLong(length.trim()) > 0;
      } catch (NumberFormatException e) {
        return true;
      }
    }
    String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    return media.equalsIgnoreCase("application/json");
  }
}
