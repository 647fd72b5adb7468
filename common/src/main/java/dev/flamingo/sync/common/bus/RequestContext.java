package dev.flamingo.sync.common.bus;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * Who is asking, carried in delivery-option headers next to every bus request. The gateway sets it in
 * exactly one place; services read it with {@link #of(Message)}. Fields are optional: an anonymous
 * request (init, token) has no account.
 */
public record RequestContext(
    String requestId,
    String clientIp,
    String userAgent,
    Long accountId,
    String sessionId,
    String deviceId) {

  /** The bus contract version this build speaks; sent with every request. */
  public static final String CONTRACT_VERSION = "1";

  public static final String H_CONTRACT = "flamingo-contract";
  public static final String H_REQUEST_ID = "flamingo-request-id";
  public static final String H_CLIENT_IP = "flamingo-client-ip";
  public static final String H_USER_AGENT = "flamingo-user-agent";
  public static final String H_ACCOUNT = "flamingo-account-id";
  public static final String H_SESSION = "flamingo-session-id";
  public static final String H_DEVICE = "flamingo-device-id";

  public static RequestContext anonymous(String requestId, String clientIp, String userAgent) {
    return new RequestContext(requestId, clientIp, userAgent, null, null, null);
  }

  public RequestContext withAccount(long account, String session, String device) {
    return new RequestContext(requestId, clientIp, userAgent, account, session, device);
  }

  public DeliveryOptions toDeliveryOptions(long timeoutMs) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs);
    options.addHeader(H_CONTRACT, CONTRACT_VERSION);
    put(options, H_REQUEST_ID, requestId);
    put(options, H_CLIENT_IP, clientIp);
    put(options, H_USER_AGENT, userAgent);
    put(options, H_ACCOUNT, accountId == null ? null : accountId.toString());
    put(options, H_SESSION, sessionId);
    put(options, H_DEVICE, deviceId);
    return options;
  }

  public static RequestContext of(Message<?> message) {
    MultiMap h = message.headers();
    String account = h.get(H_ACCOUNT);
    return new RequestContext(
        h.get(H_REQUEST_ID),
        h.get(H_CLIENT_IP),
        h.get(H_USER_AGENT),
        account == null ? null : Long.valueOf(account),
        h.get(H_SESSION),
        h.get(H_DEVICE));
  }

  /** The account of an authenticated request; a request without one is refused with 401. */
  public long requireAccount() {
    if (accountId == null) {
      throw new ServiceException(401, "Unauthorized");
    }
    return accountId;
  }

  public String requireSession() {
    if (sessionId == null) {
      throw new ServiceException(401, "Unauthorized");
    }
    return sessionId;
  }

  private static void put(DeliveryOptions options, String name, String value) {
    if (value != null) {
      options.addHeader(name, value);
    }
  }
}
