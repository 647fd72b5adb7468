// Passkeys (WebAuthn) for the pages: the server's options (JSON, binary fields in base64url) to what
// navigator.credentials wants, and the browser's answer back to JSON for the server.
"use strict";
(function () {
  const toBytes = (b64url) => {
    const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((b64url.length + 3) % 4);
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  };
  const toB64url = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const descriptors = (list) => (list || []).map((d) => Object.assign({}, d, { id: toBytes(d.id) }));

  window.passkeys = {
    supported: () => !!(window.PublicKeyCredential && navigator.credentials),
    // navigator.credentials.create() with the server's PublicKeyCredentialCreationOptions; the answer as JSON
    async create(options) {
      const publicKey = Object.assign({}, options, {
        challenge: toBytes(options.challenge),
        user: Object.assign({}, options.user, { id: toBytes(options.user.id) }),
        excludeCredentials: descriptors(options.excludeCredentials) });
      const c = await navigator.credentials.create({ publicKey });
      return { id: c.id, rawId: toB64url(c.rawId), type: c.type,
               response: { clientDataJSON: toB64url(c.response.clientDataJSON),
                           attestationObject: toB64url(c.response.attestationObject),
                           transports: c.response.getTransports ? c.response.getTransports() : [] } };
    },
    // navigator.credentials.get() with the server's PublicKeyCredentialRequestOptions; the answer as JSON
    async get(options) {
      const publicKey = Object.assign({}, options, { challenge: toBytes(options.challenge),
        allowCredentials: descriptors(options.allowCredentials) });
      const c = await navigator.credentials.get({ publicKey });
      const response = { clientDataJSON: toB64url(c.response.clientDataJSON),
                         authenticatorData: toB64url(c.response.authenticatorData),
                         signature: toB64url(c.response.signature) };
      if (c.response.userHandle) { response.userHandle = toB64url(c.response.userHandle); }
      return { id: c.id, rawId: toB64url(c.rawId), type: c.type, response };
    },
  };
})();
