"use strict";
(function () {
  const TYPES = [["history", "History", "sync_history"], ["environment", "Environments", "sync_environments"],
    ["secret", "Secrets", "sync_secrets"], ["collection", "Collections", "sync_collections"], ["setting", "Settings", "sync_settings"]];

  function notice(message) { text("notice", message); show("notice", !!message); }
  function size(bytes) { return bytes == null ? "—" : bytes < 1024 ? bytes + " B" : (bytes / 1024).toFixed(1) + " KiB"; }
  function cell(row, value) { const td = document.createElement("td"); td.textContent = value; row.appendChild(td); }
  async function guard(r) { if (r.status === 401) { location.assign("/login"); } return r; }

  async function overview() {
    const r = await guard(await api("GET", "/api/web/overview"));
    if (!r.ok) { notice(r.error); return; }
    const body = document.querySelector("#overview tbody");
    body.textContent = "";
    const items = {};
    (r.data.data || []).forEach((i) => { items[i.data_type] = i; });
    TYPES.forEach(([type, label]) => {
      const i = items[type];
      const row = document.createElement("tr");
      row.dataset.type = type;
      cell(row, label); cell(row, i ? "yes" : "no"); cell(row, i ? size(i.blob_size_bytes) : "—");
      cell(row, i ? i.version : "—"); cell(row, i ? when(i.updated_at) : "—");
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
      meta.textContent = d.device_type + " · last seen " + when(d.last_seen_at) + (d.status === "expired" ? " · expired" : "");
      const rename = document.createElement("button"); rename.type = "button"; rename.textContent = "Rename"; rename.className = "rename";
      rename.setAttribute("aria-label", "Rename " + d.name);
      rename.addEventListener("click", async () => {
        const next = prompt("New name for " + d.name, d.name);
        if (!next) return;
        const x = await api("PATCH", "/api/web/devices/" + d.id, { name: next });
        notice(x.ok ? "Device renamed." : x.error); devices();
      });
      const revoke = document.createElement("button"); revoke.type = "button"; revoke.textContent = "Revoke"; revoke.className = "danger revoke";
      revoke.setAttribute("aria-label", "Revoke " + d.name);
      revoke.addEventListener("click", async () => {
        const x = await api("DELETE", "/api/web/devices/" + d.id);
        notice(x.ok ? "Device revoked: it is signed out now." : x.error); refresh();
      });
      li.append(name, meta, rename, document.createTextNode(" "), revoke);
      list.appendChild(li);
    });
  }

  async function settings() {
    const r = await guard(await api("GET", "/api/web/config"));
    if (!r.ok) { notice(r.error); return; }
    document.querySelectorAll("#settings input").forEach((box) => { box.checked = r.data[box.name] !== false; });
  }

  async function audit() {
    const r = await guard(await api("GET", "/api/web/audit?limit=20"));
    const body = document.querySelector("#audit tbody");
    body.textContent = "";
    if (!r.ok) { return; }
    r.data.forEach((e) => { const row = document.createElement("tr"); cell(row, e.event_type); cell(row, e.ip_address || "—"); cell(row, when(e.created_at)); body.appendChild(row); });
  }

  function refresh() { overview(); keyStatus(); devices(); audit(); }

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
  document.getElementById("signout").addEventListener("click", async () => {
    await api("POST", "/api/auth/logout", {});
    location.assign("/login");
  });

  (async () => {
    const me = await guard(await api("GET", "/api/auth/me"));
    if (!me.ok) return;
    text("who", me.data.email);
    refresh(); settings();
  })();
})();
