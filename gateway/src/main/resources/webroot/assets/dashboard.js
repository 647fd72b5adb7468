"use strict";
(function () {
  // The data types, from the server (GET /api/server's data_types: [{name, label, config_key, default_max_bytes}]).
  let TYPES = [];

  async function types() {
    const r = await api("GET", "/api/server");
    if (!r.ok) { notice(r.error); return; }
    TYPES = r.data.data_types || [];
    const form = document.getElementById("settings");
    form.textContent = "";
    TYPES.forEach((t) => {
      const label = document.createElement("label"); label.className = "check";
      const box = document.createElement("input"); box.type = "checkbox"; box.name = t.config_key;
      label.append(box, document.createTextNode(" " + t.label));
      form.appendChild(label);
    });
  }

  async function guard(r) { if (r.status === 401) { location.assign("/login"); } return r; }

  // the current data per type, and beside it what its earlier versions take (the revisions summary's answer)
  async function overview(summary) {
    const [r, h] = await Promise.all([api("GET", "/api/web/overview").then(guard), summary]);
    if (!r.ok) { notice(r.error); return; }
    const body = document.querySelector("#overview tbody");
    body.textContent = "";
    const items = {};
    (r.data.data || []).forEach((i) => { items[i.data_type] = i; });
    const kept = {};
    ((h.ok && h.data.types) || []).forEach((t) => { kept[t.type] = t; });
    TYPES.forEach((t) => {
      const i = items[t.name];
      const row = document.createElement("tr");
      row.dataset.type = t.name;
      cell(row, t.label); cell(row, i ? "yes" : "no"); cell(row, i ? bytes(i.blob_size_bytes) : "—");
      cell(row, i ? i.version : "—"); cell(row, i ? whenShort(i.updated_at) : "—");
      cell(row, kept[t.name] && kept[t.name].revision_count > 0 ? bytes(kept[t.name].revision_bytes) : "—", "kept");
      body.appendChild(row);
    });
    text("device-count", r.data.device_count ?? "?");
  }

  async function keyStatus() {
    const r = await guard(await api("GET", "/api/web/key"));
    const k = r.ok ? r.data : null;
    text("key-status", !k ? "unknown" : k.set ? "Key set · version " + k.version + (k.updated_at ? " · last changed " + when(k.updated_at) : "")
      + (k.custody === false ? " · stored the old way: it is locked with your password at your next sign-in" : k.custody ? " · only your password and your paired devices can open it" : "")
      : "No key stored yet.");
  }

  async function devices() {
    const r = await guard(await api("GET", "/api/web/devices"));
    const list = document.getElementById("devices");
    list.textContent = "";
    if (!r.ok) { notice(r.error); return; }
    if (r.data.length === 0) { const li = document.createElement("li"); li.textContent = "No devices connected."; list.appendChild(li); }
    r.data.forEach((d) => {
      const li = document.createElement("li");
      li.dataset.id = d.id;
      const name = document.createElement("strong"); name.className = "name"; name.textContent = d.name;
      const meta = document.createElement("div"); meta.className = "meta";
      meta.textContent = d.device_type + " · last seen " + whenShort(d.last_seen_at) + (d.status === "expired" ? " · expired" : "");
      const rename = document.createElement("button"); rename.type = "button"; rename.textContent = "Rename"; rename.className = "rename";
      rename.setAttribute("aria-label", "Rename " + d.name);
      rename.addEventListener("click", () => renameInline(li, d));
      const revoke = document.createElement("button"); revoke.type = "button"; revoke.textContent = "Revoke"; revoke.className = "danger revoke";
      revoke.setAttribute("aria-label", "Revoke " + d.name);
      revoke.addEventListener("click", async () => {
        const x = await api("DELETE", "/api/web/devices/" + d.id);
        notice(x.ok ? "Device revoked: it is signed out now." : x.error); refresh();
      });
      li.append(name, meta, syncLine(d), rename, document.createTextNode(" "), revoke);
      list.appendChild(li);
    });
  }

  // The device's sync status per type (GET /api/web/devices' sync): "Environments uploaded 2 min ago, downloaded
  // just now; Settings refused (413) at 7 Dec 10:02"; a refusal is shown while no upload of the type succeeded since
  function syncLine(d) {
    const line = document.createElement("div"); line.className = "meta sync";
    (d.sync || []).forEach((s) => {
      const t = TYPES.find((x) => x.name === s.type);
      const part = document.createElement("span"); part.dataset.type = s.type;
      const done = [];
      if (s.last_upload_at) { done.push("uploaded " + ago(s.last_upload_at)); }
      if (s.last_download_at) { done.push("downloaded " + ago(s.last_download_at)); }
      part.textContent = (t ? t.label : s.type) + " " + done.join(", ");
      if (s.last_refused_at && (!s.last_upload_at || new Date(s.last_refused_at) > new Date(s.last_upload_at))) {
        const refused = document.createElement("span"); refused.className = "error refused";
        refused.textContent = (done.length ? ", " : "") + "refused (" + s.last_refused_status + ") at "
          + whenShort(s.last_refused_at);
        refused.title = s.last_refused_message || "";
        part.appendChild(refused);
      }
      if (line.childNodes.length) { line.appendChild(document.createTextNode("; ")); }
      line.appendChild(part);
    });
    return line;
  }
  // "just now", "5 min ago", "3 h ago", then the date
  function ago(iso) {
    const minutes = Math.floor((Date.now() - new Date(iso).getTime()) / 60000);
    return minutes < 1 ? "just now" : minutes < 60 ? minutes + " min ago" : minutes < 24 * 60
      ? Math.floor(minutes / 60) + " h ago" : "on " + whenShort(iso);
  }

  // Rename in place: the name becomes a field with Save and Cancel (Enter saves, Escape cancels).
  function renameInline(li, d) {
    if (li.querySelector("form.rename-form")) { return; }
    const form = document.createElement("form"); form.className = "rename-form inline"; form.noValidate = true;
    const field = document.createElement("input"); field.type = "text"; field.className = "rename-field";
    field.value = d.name; field.maxLength = 100; field.setAttribute("aria-label", "New name for " + d.name);
    const save = document.createElement("button"); save.type = "submit"; save.className = "primary save"; save.textContent = "Save";
    const cancel = document.createElement("button"); cancel.type = "button"; cancel.className = "cancel"; cancel.textContent = "Cancel";
    const error = document.createElement("p"); error.className = "error"; error.setAttribute("role", "alert"); error.hidden = true;
    form.append(field, save, cancel, error);
    const name = li.querySelector(".name");
    name.hidden = true; li.querySelectorAll("button.rename, button.revoke").forEach((b) => { b.hidden = true; });
    name.after(form);
    const close = () => { form.remove(); name.hidden = false; li.querySelectorAll("button").forEach((b) => { b.hidden = false; }); };
    cancel.addEventListener("click", close);
    field.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); close(); } });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const next = field.value.trim();
      if (!next || next === d.name) { close(); return; }
      save.disabled = true;
      const x = await api("PATCH", "/api/web/devices/" + d.id, { name: next });
      save.disabled = false;
      if (!x.ok) { error.textContent = x.error; error.hidden = false; field.focus(); return; }
      notice("Device renamed."); devices();
    });
    field.focus(); field.select();
  }

  async function settings() {
    const r = await guard(await api("GET", "/api/web/config"));
    if (!r.ok) { notice(r.error); return; }
    document.querySelectorAll("#settings input").forEach((box) => { box.checked = r.data[box.name] !== false; });
  }

  // what each event type the services record (outbox.audit / AuditEvents) means, in words
  const EVENTS = {
    "account.registered": "Account created",
    "account.deleted": "Account deleted",
    "account.password_changed": "Password changed",
    "account.password_reset": "Password reset with a reset link",
    "account.password_reset_link": "Password reset link made by an admin",
    "auth.login": "Signed in",
    "auth.login.failed": "Sign-in failed: wrong password",
    "auth.login.refused": "Sign-in refused",
    "auth.second_step.failed": "Sign-in failed: wrong code",
    "account.totp.enrolled": "Authenticator app set up",
    "account.totp.removed": "Authenticator app removed",
    "account.recovery_code.used": "Signed in with a recovery code",
    "account.recovery_codes.regenerated": "New recovery codes made",
    "account.second_factors_removed": "Second factors removed by a password reset",
    "auth.logout": "Signed out",
    "passkey.added": "Passkey added",
    "passkey.removed": "Passkey removed",
    "passkey.used": "Signed in with a passkey",
    "passkey.failed": "Passkey refused",
    "session.revoked": "Signed out everywhere",
    "session.rotated": "Session renewed",
    "sync.init": "Device asked to connect",
    "sync.claim": "Device connected",
    "sync.denied": "Device request denied",
    "sync.token": "Device access renewed",
    "device.renamed": "Device renamed",
    "device.revoked": "Device revoked",
    "device.revoke_others": "Every other device signed out",
    "key.set": "Encryption key stored",
    "key.rotated": "Encryption key changed",
    "config.changed": "Sync settings changed",
    "revision.restored": "Earlier version restored",
    "revisions.purged": "History deleted",
    "data.overwritten": "Data replaced by another device",
    "rate_limit.hit": "Too many attempts: slowed down",
    "admin.account.deleted": "Admin deleted an account",
    "admin.account.password_reset": "Admin reset a password",
    "admin.account.signed_out": "Admin signed an account out",
    "admin.invite.created": "Admin made an invite link",
    "admin.invite.revoked": "Admin revoked an invite link",
    "admin.quota.set": "Admin set a storage quota",
    "admin.role.password_wrong": "Admin role change: wrong password",
    "admin.signups.set": "Admin changed sign-ups",
  };
  const label = (type) => EVENTS[type] || type.replace(/[._]/g, " ").replace(/^./, (c) => c.toUpperCase());

  // the browser or app an event came from, in two words: "Chrome on Linux"; "" when unknown
  function agent(ua) {
    if (!ua) { return ""; }
    const app = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome"
      : /Safari\//.test(ua) ? "Safari" : /flamingo/i.test(ua) ? "Flamingo app" : ua.split(/[\/ ]/)[0];
    const os = /Windows/.test(ua) ? "Windows" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS"
      : /Mac OS X|Macintosh/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : "";
    return os ? app + " on " + os : app;
  }

  let deviceNames = {};
  async function audit() {
    const [r, d] = await Promise.all([guard(await api("GET", "/api/web/audit?limit=20")), api("GET", "/api/web/devices")]);
    if (d.ok) { deviceNames = {}; d.data.forEach((x) => { deviceNames[x.id] = x.name; }); }
    const body = document.querySelector("#audit tbody");
    body.textContent = "";
    if (!r.ok) { return; }
    if (r.data.length === 0) { const row = document.createElement("tr"); cell(row, "Nothing yet.").colSpan = 4; body.appendChild(row); }
    r.data.forEach((e) => {
      const m = e.metadata || {};
      const row = document.createElement("tr");
      row.dataset.type = e.event_type;
      cell(row, label(e.event_type)).title = e.event_type;
      cell(row, (e.device_id && deviceNames[e.device_id]) || m.device_name || agent(e.user_agent) || "—");
      cell(row, e.ip_address || "—", "ip");
      const time = cell(row, whenShort(e.created_at), "when"); time.title = when(e.created_at);
      body.appendChild(row);
    });
  }

  function refresh() {
    const summary = api("GET", "/api/web/data/revisions"); // for the overview and the history card
    overview(summary); keyStatus(); devices(); audit(); revisions.show(TYPES, summary, refresh);
  }

  // Passkeys: list, add (the browser creates one for this server), remove (the password typed again)
  let removing = null;
  const passkeyError = (message) => { text("passkey-error", message || ""); show("passkey-error", !!message); };
  async function passkeyList() {
    const r = await guard(await api("GET", "/api/web/passkeys"));
    const list = document.getElementById("passkeys");
    list.textContent = "";
    if (!r.ok) { passkeyError(r.error); return; }
    if (r.data.length === 0) { const li = document.createElement("li"); li.textContent = "No passkeys yet."; list.appendChild(li); }
    r.data.forEach((p) => {
      const li = document.createElement("li");
      li.dataset.id = p.id;
      const name = document.createElement("strong"); name.className = "name"; name.textContent = p.name;
      const meta = document.createElement("div"); meta.className = "meta";
      meta.textContent = "added " + whenShort(p.created_at) + " · last used " + whenShort(p.last_used_at);
      const remove = document.createElement("button"); remove.type = "button"; remove.textContent = "Remove";
      remove.className = "danger remove"; remove.setAttribute("aria-label", "Remove " + p.name);
      remove.addEventListener("click", () => {
        removing = p; text("passkey-remove-name", p.name); show("passkey-remove-form", true);
        document.getElementById("passkey-remove-password").focus();
      });
      li.append(name, meta, remove);
      list.appendChild(li);
    });
  }
  document.getElementById("passkey-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    passkeyError(null);
    const name = document.getElementById("passkey-name").value.trim();
    if (!name) { passkeyError("Give the passkey a name."); return; }
    if (!passkeys.supported()) { passkeyError("This browser cannot make passkeys."); return; }
    const o = await api("POST", "/api/web/passkeys/options", {});
    if (!o.ok) { passkeyError(o.error); return; }
    let credential;
    try { credential = await passkeys.create(o.data.options); } catch (x) { passkeyError("No passkey was made: " + x.message); return; }
    const r = await api("POST", "/api/web/passkeys", { name, credential });
    if (!r.ok) { passkeyError(r.error); return; }
    e.target.reset(); notice("Passkey added: " + r.data.name + "."); passkeyList(); audit();
    document.dispatchEvent(new CustomEvent("second-factor-changed", { detail: r.data }));
  });
  document.getElementById("passkey-remove-cancel").addEventListener("click", () => { removing = null; show("passkey-remove-form", false); });
  document.getElementById("passkey-remove-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    passkeyError(null);
    const field = document.getElementById("passkey-remove-password");
    const r = await api("POST", "/api/web/passkeys/" + removing.id + "/remove", { password: field.value });
    field.value = "";
    if (!r.ok) { passkeyError(r.error); return; }
    removing = null; show("passkey-remove-form", false);
    notice("Passkey removed."); passkeyList(); audit();
    document.dispatchEvent(new CustomEvent("second-factor-changed", { detail: {} }));
  });

  document.getElementById("settings").addEventListener("change", async (e) => {
    const r = await api("PUT", "/api/web/config", { [e.target.name]: e.target.checked });
    notice(r.ok ? "Sync settings saved." : r.error);
    if (!r.ok) settings();
  });
  document.getElementById("revoke-all").addEventListener("click", async () => {
    const r = await api("POST", "/api/web/devices/revoke-all", {});
    notice(r.ok ? "Every device is signed out." : r.error); refresh();
  });
  document.getElementById("password-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    show("password-error", false);
    const r = await api("POST", "/api/auth/password", {
      current_password: document.getElementById("current-password").value,
      new_password: document.getElementById("new-password").value });
    if (!r.ok) { text("password-error", r.error); show("password-error", true); return; }
    e.target.reset(); notice("Password changed. Other browsers are signed out.");
  });
  document.getElementById("signout-everywhere").addEventListener("click", async () => {
    await api("POST", "/api/web/sign-out-everywhere", {});
    location.assign("/login");
  });
  document.getElementById("delete-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    show("delete-error", false);
    const fail = (message) => { text("delete-error", message); show("delete-error", true); };
    const password = document.getElementById("delete-password").value;
    if (!password) { fail("Type your password to delete your account."); return; }
    if (!document.getElementById("delete-confirm").checked) { fail("Tick the box to confirm."); return; }
    const button = document.getElementById("delete-account");
    button.disabled = true;
    const r = await api("POST", "/api/web/account/delete", { password });
    button.disabled = false;
    document.getElementById("delete-password").value = "";
    if (!r.ok) { fail(r.error); return; }
    location.assign("/login?deleted=1");
  });
  // "Download my data" saves the export itself (the route's answer is the API envelope {success, data}: its data)
  document.getElementById("export").addEventListener("click", async (e) => {
    e.preventDefault();
    const link = e.currentTarget;
    if (link.getAttribute("aria-disabled") === "true") { return; }
    link.setAttribute("aria-disabled", "true");
    try {
      let response;
      try { response = await fetch(link.href, { credentials: "same-origin" }); } catch (x) { response = null; }
      if (!response) { notice("The server could not be reached. Check your connection."); return; }
      let envelope = null;
      try { envelope = await response.json(); } catch (x) { envelope = null; }
      if (response.status === 401) { location.assign("/login"); return; }
      if (!response.ok || !envelope || !envelope.data) {
        notice((envelope && envelope.error) || "The export did not finish (HTTP " + response.status + "): try again.");
        return;
      }
      const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const file = new Blob([JSON.stringify(envelope.data, null, 2) + "\n"], { type: "application/json" });
      const save = document.createElement("a");
      save.href = URL.createObjectURL(file);
      save.download = named ? named[1] : "flamingo-export.json";
      document.body.appendChild(save); save.click(); save.remove();
      setTimeout(() => URL.revokeObjectURL(save.href), 60000);
      notice("Your data is saved as " + save.download + ".");
    } finally {
      link.removeAttribute("aria-disabled");
    }
  });
  document.getElementById("signout").addEventListener("click", async () => {
    await api("POST", "/api/auth/logout", {});
    location.assign("/login");
  });

  (async () => {
    const me = await guard(await api("GET", "/api/auth/me"));
    if (!me.ok) return;
    text("who", me.data.email);
    show("admin-link", !!me.data.is_admin); show("admin-sep", !!me.data.is_admin);
    await types();
    refresh(); settings(); passkeyList();
  })();
})();
