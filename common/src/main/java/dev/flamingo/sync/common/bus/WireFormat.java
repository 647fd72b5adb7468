package dev.flamingo.sync.common.bus;

/**
 * An optional compact form of the blob hot path's bus messages (contract v1, additive): a sender that
 * sets these headers gets text in place of parsed JSON, so a 4 KiB base64 blob is not parsed and
 * re-encoded at every hop. A sender that does not set them (an older gateway) gets the JsonObject
 * contract unchanged; a service that does not know them (an older service) ignores them and answers
 * a JsonObject, which the sender must still accept.
 *
 * <p>Request, {@link #H_ACCEPT} = {@link #TEXT}: a successful reply's body is a {@code Buffer} holding
 * the complete HTTP response body (the JSON envelope, UTF-8) and its reply headers carry the HTTP status
 * ({@link #H_STATUS}, absent means 200) and HTTP response headers ({@link #H_HEADER_PREFIX} + name, e.g.
 * {@code flamingo-h-ETag}). Failures are unchanged ({@code message.fail(status, text)}). Only gateways of a
 * release before {@link #DATA} send it (see docs/bus-contracts.md for when it goes).
 *
 * <p>Request, {@link #H_CONTENT} = {@link #TEXT} (blob PUT): the body is a {@code Buffer} holding the
 * client's JSON request body as it arrived, unparsed; the arguments the gateway used to add to the JSON
 * body travel as headers {@link #H_ARG_PREFIX} + name ({@code type}, {@code if_match}, {@code if_none_match}).
 *
 * <p>Request, {@link #H_ACCEPT} = {@link #DATA} (added later, what the gateway sends): as {@link #TEXT}, but the
 * reply's body is only the JSON of the envelope's {@code data}; the gateway writes the envelope around it
 * ({@link TextReply#envelope}). A service that does not know this value ignores it and answers a JsonObject.
 */
public final class WireFormat {
  private WireFormat() {}

  public static final String TEXT = "text";
  public static final String DATA = "data";
  public static final String H_ACCEPT = "flamingo-accept";
  public static final String H_CONTENT = "flamingo-content";
  public static final String H_STATUS = "flamingo-status";
  public static final String H_HEADER_PREFIX = "flamingo-h-";
  public static final String H_ARG_PREFIX = "flamingo-arg-";
}
