"use strict";
// Dashboard → Two-factor sign-in: set up an authenticator app (QR code + key, confirmed with a code), remove it
// (password again), new recovery codes (password again). Recovery codes are shown once.
(function () {
  async function status() {
    const r = await api("GET", "/api/web/security");
    if (!r.ok) { return; }
    const s = r.data;
    show("tf-required", s.required && s.methods.length === 0);
    if (s.reset_at) {
      text("tf-reset", "Your second factors were removed by a password reset on " + when(s.reset_at) + ". Set them up again.");
      show("tf-reset", s.methods.length === 0);
    }
    const passkey = s.methods.includes("passkey");
    const on = [s.totp ? "an authenticator app" : null, passkey ? "passkeys" : null].filter((x) => x);
    text("tf-state", on.length ? "On: " + on.join(" and ") + ". Recovery codes left: " + s.recovery_codes_left + "."
      : "Off: your password alone signs you in.");
    show("tf-off", !s.totp);
    show("tf-manage", on.length > 0);
    show("tf-remove", s.totp);
  }
  // a passkey added or removed (dashboard.js), maybe with the first recovery codes
  document.addEventListener("second-factor-changed", (e) => { showCodes(e.detail && e.detail.recovery_codes); status(); });

  function showCodes(codes) {
    if (!codes) { return; }
    const list = document.getElementById("tf-code-list");
    list.replaceChildren();
    codes.forEach((c) => { const li = document.createElement("li"); li.textContent = c; list.appendChild(li); });
    show("tf-codes", true);
  }

  function error(id, r) { text(id, r.error); show(id, true); }

  document.getElementById("tf-start").addEventListener("click", async () => {
    const r = await api("POST", "/api/web/security/totp", {});
    if (!r.ok) { error("tf-enroll-error", r); show("tf-enroll", true); return; }
    document.getElementById("tf-qr").src = "data:image/svg+xml;base64," + btoa(r.data.qr_svg);
    document.getElementById("tf-secret").value = r.data.secret;
    show("tf-off", false);
    show("tf-enroll", true);
    document.getElementById("tf-code").focus();
  });

  document.getElementById("tf-enroll").addEventListener("submit", async (e) => {
    e.preventDefault();
    show("tf-enroll-error", false);
    const field = document.getElementById("tf-code");
    const r = await api("POST", "/api/web/security/totp/confirm", { code: field.value.trim() });
    field.value = "";
    if (!r.ok) { error("tf-enroll-error", r); return; }
    show("tf-enroll", false);
    document.getElementById("tf-secret").value = "";
    showCodes(r.data.recovery_codes);
    status();
  });

  async function manage(path, done) {
    show("tf-manage-error", false);
    const field = document.getElementById("tf-password");
    const r = await api("POST", path, { password: field.value });
    field.value = "";
    if (!r.ok) { error("tf-manage-error", r); return; }
    done(r);
    status();
  }

  document.getElementById("tf-new-codes").addEventListener("click", () =>
    manage("/api/web/security/recovery-codes", (r) => showCodes(r.data.recovery_codes)));
  document.getElementById("tf-remove").addEventListener("click", () =>
    manage("/api/web/security/totp/remove", () => show("tf-codes", false)));

  status();
})();
