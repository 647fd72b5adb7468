package dev.flamingo.sync.auth.passkey;

import dev.flamingo.sync.common.bus.ServiceException;
import dev.flamingo.sync.common.security.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.webauthn4j.CredentialStorage;
import io.vertx.ext.auth.webauthn4j.RelyingParty;
import io.vertx.ext.auth.webauthn4j.WebAuthn4J;
import io.vertx.ext.auth.webauthn4j.WebAuthn4JCredentials;
import io.vertx.ext.auth.webauthn4j.WebAuthn4JOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * This server as a WebAuthn relying party: its id is the host of FLAMINGO_PUBLIC_URL and the pages' origin is
 * that URL's scheme, host and port; no attestation asked for, user presence required. Also reads a ceremony's
 * challenge back out of the browser's answer (clientDataJSON), for looking it up by its hash.
 */
final class WebAuthnSite {
  static final String NOT_ACCEPTED = "The passkey was not accepted";

  private final Vertx vertx;
  private final WebAuthn4JOptions options;
  private final String origin;
  private final String rpId;

  WebAuthnSite(Vertx vertx, String publicUrl) {
    URI url = URI.create(publicUrl);
    this.vertx = vertx;
    this.rpId = url.getHost();
    this.origin = url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    this.options = new WebAuthn4JOptions()
        .setRelyingParty(new RelyingParty().setName("Flamingo Sync").setId(rpId))
        .setExtensions(new JsonObject())
        .setUserPresenceRequired(true);
  }

  /** A provider over {@code storage} (cheap enough for the few ceremonies a person makes). */
  WebAuthn4J provider(CredentialStorage storage) {
    return WebAuthn4J.create(vertx, options).credentialStorage(storage);
  }

  /** The credentials to check {@code credential} (the browser's PublicKeyCredential as JSON) against. */
  WebAuthn4JCredentials credentials(long accountId, String challenge, JsonObject credential) {
    return new WebAuthn4JCredentials().setUsername(String.valueOf(accountId)).setChallenge(challenge)
        .setOrigin(origin).setDomain(rpId).setWebauthn(credential);
  }

  /** The challenge the browser signed, from {@code credential.response.clientDataJSON}; 400 when unreadable. */
  static String challenge(JsonObject credential) {
    try {
      JsonObject response = credential.getJsonObject("response");
      String clientData = response.getString("clientDataJSON");
      String challenge = new JsonObject(new String(Base64.getUrlDecoder().decode(clientData), StandardCharsets.UTF_8))
          .getString("challenge");
      if (challenge == null || challenge.isEmpty() || challenge.length() > 1024) {
        throw new IllegalArgumentException("no challenge");
      }
      return challenge;
    } catch (RuntimeException e) {
      throw ServiceException.badRequest("The passkey answer is malformed");
    }
  }

  static byte[] hash(String challenge) {
    return Tokens.sha256(challenge);
  }

  /** The credential object of a request body; 400 unless it is one. */
  static JsonObject credential(JsonObject body) {
    Object value = body.getValue("credential");
    if (!(value instanceof JsonObject credential) || credential.encode().length() > 64 * 1024) {
      throw ServiceException.badRequest("credential is required");
    }
    return credential;
  }
}
