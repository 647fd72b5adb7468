"use strict";
(function () {
  const token = new URLSearchParams(location.search).get("token");
  const validToken = token && /^flm_temp_[0-9a-f]{64}$/.test(token);
  const params = new URLSearchParams(location.search);
  const invite = params.get("invite");
  let countdown;
  // the password typed on the sign-in step of this page visit, kept in memory only for the claim (it opens
  // the account's encryption key for the new device), so the user is not asked twice; forgotten after it
  let typed = null;
  // a right password for an account with a second factor: the step's token (no login cookie yet) and its method
  let step = null;
  let method = "totp";

  function only(id) {
    ["signin", "second", "passkey", "authorize", "ended", "denied"].forEach((s) => show(s, s === id));
  }

  async function start() {
    if (token && !validToken) { only("ended"); return; }
    const me = await api("GET", "/api/auth/me");
    if (me.ok && !invite) { signedIn(me.data); return; }
    only("signin"); show("signin-hint", !!token);
    if (params.get("deleted") === "1") { notice("Your account was deleted."); }
    signupMode();
    document.getElementById("email").focus();
  }

  // Whether this page may offer "Create account": the server's sign-up mode, and an invite link's token.
  // An invite link's token is checked first: a used, revoked or expired one says so at once, not after the form.
  async function signupMode() {
    const r = await api("GET", "/api/auth/signups" + (invite ? "?invite=" + encodeURIComponent(invite) : ""));
    const mode = r.ok ? r.data.mode : "open";
    if (invite && (!r.ok || r.data.invite_open)) {
      show("invite-hint", true);
      document.getElementById("password").setAttribute("autocomplete", "new-password");
      document.getElementById("register-submit").classList.add("primary");
      document.getElementById("signin-submit").classList.remove("primary");
      return;
    }
    if (mode === "open") { return; }
    if (invite) { show("invite-ended", true); show("register-submit", false); return; }
    show("register-submit", false);
    text("signup-hint", mode === "closed" ? "Sign-ups are closed on this server."
      : "New accounts on this server need an invite link from its admin.");
    show("signup-hint", true);
  }

  // to /complete, which says "Device connected" only when this tab just connected one (opened alone it says so)
  function connected(device) {
    try { sessionStorage.setItem("flamingo.connected", JSON.stringify({ device: device || "", at: Date.now() })); } catch (e) { /* private mode */ }
    location.assign("/complete");
  }

  async function signedIn(account) {
    show("account-footer", true);
    if (!token) { location.assign("/dashboard"); return; }
    text("who", account.email);
    const req = await api("GET", "/api/web/device-request?token=" + encodeURIComponent(token));
    if (!req.ok || req.data.status !== "pending") {
      if (req.ok && req.data.status === "claimed") { connected(req.data.device_name); return; }
      only("ended");
      return;
    }
    text("req-device", req.data.device_name);
    text("req-type", req.data.device_type);
    text("req-ip", req.data.client_ip || "unknown");
    text("req-at", when(req.data.created_at));
    const expires = Date.now() + req.data.expires_in * 1000;
    const tick = () => {
      const left = Math.max(0, Math.round((expires - Date.now()) / 1000));
      text("req-left", Math.floor(left / 60) + " min " + (left % 60) + " s");
      if (left === 0) { clearInterval(countdown); only("ended"); }
    };
    tick();
    countdown = setInterval(tick, 1000);
    only("authorize");
    show("confirm", typed === null);
    document.getElementById(typed === null ? "confirm-password" : "authorize-button").focus();
  }

  async function submit(path) {
    const email = document.getElementById("email").value.trim();
    const password = document.getElementById("password").value;
    show("signin-error", false);
    const body = { email, password };
    if (invite && path === "/api/auth/register") { body.invite = invite; }
    const r = await api("POST", path, body);
    if (!r.ok) { text("signin-error", r.error); show("signin-error", true); return; }
    document.getElementById("password").value = "";
    if (token) { typed = password; }
    if (r.data.second_step) { secondStep(r.data.second_step); return; }
    signedIn(r.data);
  }

  function secondStep(s) {
    step = s.token;
    if (s.methods.includes("passkey")) { passkeyStep(s.methods); return; }
    codeStep(s.methods);
  }

  function codeStep(methods) {
    method = methods.includes("totp") ? "totp" : "recovery_code";
    show("second-switch", methods.includes("totp") && methods.includes("recovery_code"));
    methodText();
    only("second");
    document.getElementById("second-code").focus();
  }

  function methodText() {
    text("second-label", method === "totp" ? "The 6-digit code from your authenticator app" : "One of your recovery codes");
    text("second-switch", method === "totp" ? "Use a recovery code instead" : "Use the authenticator app instead");
  }

  document.getElementById("second-switch").addEventListener("click", () => {
    method = method === "totp" ? "recovery_code" : "totp";
    methodText();
    document.getElementById("second-code").focus();
  });
  document.getElementById("second-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const field = document.getElementById("second-code");
    show("second-error", false);
    const r = await api("POST", "/api/auth/login/second-step", { token: step, method, code: field.value.trim() });
    field.value = "";
    if (!r.ok) {
      text("second-error", r.error); show("second-error", true);
      // a step that ended (expired, too many tries): sign in again
      if (r.status === 401 && /expired/.test(r.error)) { step = null; typed = null; only("signin"); notice(r.error); }
      return;
    }
    step = null;
    signedIn(r.data);
  });

  // the second step with a passkey: the browser signs the challenge of options made for this step
  function passkeyStep(methods) {
    only("passkey"); show("passkey-error", false);
    const codes = methods.filter((m) => m !== "passkey");
    show("passkey-code", codes.length > 0);
    document.getElementById("passkey-code").onclick = () => codeStep(codes);
    document.getElementById("passkey-button").focus();
  }
  document.getElementById("passkey-button").addEventListener("click", async () => {
    show("passkey-error", false);
    const fail = (message) => { text("passkey-error", message); show("passkey-error", true); };
    const o = await api("POST", "/api/auth/login/passkey/options", { token: step });
    if (!o.ok) { fail(o.error); return; }
    let credential;
    try { credential = await passkeys.get(o.data.options); } catch (x) { fail("The passkey was not used: " + x.message); return; }
    const r = await api("POST", "/api/auth/login/second-step/passkey", { token: step, credential });
    if (!r.ok) {
      fail(r.error);
      if (r.status === 401 && /expired/.test(r.error)) { step = null; typed = null; only("signin"); notice(r.error); }
      return;
    }
    step = null;
    signedIn(r.data);
  });
  document.getElementById("passkey-cancel").addEventListener("click", () => { step = null; typed = null; only("signin"); });

  document.getElementById("signin-form").addEventListener("submit", (e) => { e.preventDefault(); submit("/api/auth/login"); });
  document.getElementById("register-submit").addEventListener("click", () => submit("/api/auth/register"));
  document.getElementById("authorize-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = document.getElementById("authorize-button");
    if (button.disabled) { return; } // a claim is already on its way (double click, Enter twice)
    const field = document.getElementById("confirm-password");
    const password = typed !== null ? typed : field.value;
    typed = null;
    field.value = "";
    show("authorize-error", false);
    button.disabled = true;
    const r = await api("POST", "/api/sync/claim", { temp_token: token, password });
    if (r.ok) { clearInterval(countdown); connected(document.getElementById("req-device").textContent); return; }
    button.disabled = false; // usable again for another try
    text("authorize-error", r.error); show("authorize-error", true);
    show("confirm", true);
    field.focus();
  });
  document.getElementById("deny-button").addEventListener("click", async () => {
    const r = await api("POST", "/api/web/device-request/deny", { temp_token: token });
    clearInterval(countdown);
    if (r.ok) { only("denied"); } else { text("authorize-error", r.error); show("authorize-error", true); }
  });
  document.getElementById("signout").addEventListener("click", async () => {
    await api("POST", "/api/auth/logout", {});
    location.reload();
  });
  start();
})();
