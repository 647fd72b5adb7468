package dev.flamingo.sync.auth.twofactor;

import io.nayuki.qrcodegen.QrCode;
import io.vertx.core.Future;
import io.vertx.ext.auth.otp.Authenticator;
import io.vertx.ext.auth.otp.OtpCredentials;
import io.vertx.ext.auth.otp.OtpKey;
import io.vertx.ext.auth.otp.OtpKeyGenerator;
import io.vertx.ext.auth.otp.totp.TotpAuth;
import io.vertx.ext.auth.otp.totp.TotpAuthOptions;
import java.time.Instant;

/**
 * RFC 6238 codes (6 digits, 30 s, HMAC-SHA1: what authenticator apps expect) with Vert.x's {@code vertx-auth-otp}:
 * new secrets, the {@code otpauth://} URI, its QR code as SVG, and the check of a code. The code of the current
 * 30-second step is the one accepted; the caller keeps the last accepted step so that no code is taken twice.
 */
public final class Totp {
  public static final long PERIOD = 30;
  static final String ISSUER = "Flamingo Sync";
  private static final TotpAuthOptions OPTIONS = new TotpAuthOptions().setPasswordLength(6).setPeriod(PERIOD);

  private Totp() {}

  /** A new secret, base32 (as the user may type it into an app). */
  public static String newSecret() {
    return OtpKeyGenerator.create().generate().getKey();
  }

  public static String uri(String secret, String account) {
    return TotpAuth.create(OPTIONS).generateUri(new OtpKey().setKey(secret).setAlgorithm("SHA1"), ISSUER, account);
  }

  /** The current 30-second step. */
  public static long step() {
    return Instant.now().getEpochSecond() / PERIOD;
  }

  /** Whether {@code code} is the secret's code now (6 digits; anything else is wrong). */
  public static Future<Boolean> check(String secret, String code) {
    if (code == null || !code.matches("[0-9]{6}")) {
      return Future.succeededFuture(false);
    }
    TotpAuth auth = TotpAuth.create(OPTIONS)
        .authenticatorFetcher(id -> Future.succeededFuture(new Authenticator().setIdentifier(id).setKey(secret)
            .setAlgorithm("SHA1").setPeriod(PERIOD)))
        .authenticatorUpdater(a -> Future.succeededFuture());
    return auth.authenticate(new OtpCredentials("totp", code)).map(true).otherwise(false);
  }

  /** The QR code of {@code text} as a small SVG (black modules on white, 4 modules of quiet zone). */
  public static String svg(String text) {
    QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
    int border = 4;
    int size = qr.size + border * 2;
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < qr.size; y++) {
      for (int x = 0; x < qr.size; x++) {
        if (qr.getModule(x, y)) {
          path.append('M').append(x + border).append(',').append(y + border).append("h1v1h-1z");
        }
      }
    }
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size
        + "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code for your authenticator app\">"
        + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"" + path + "\" fill=\"#000\"/></svg>";
  }
}
