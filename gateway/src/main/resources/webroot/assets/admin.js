"use strict";
// The admin page: server figures, the sign-up mode and invite links, the accounts with their actions, the admin
// log. Every action is an /api/admin/* call (docs/operating.md); the server checks the admin and logs each one.
(function () {
  const PAGE = 50;
  let me = null;
  let query = "";
  let offset = 0;

  function button(label, className, onClick) {
    const b = document.createElement("button"); b.type = "button"; b.textContent = label; b.className = className || "";
    b.addEventListener("click", onClick); return b;
  }
  function pill(label, bad) { const s = document.createElement("span"); s.className = "pill" + (bad ? " bad" : ""); s.textContent = label; return s; }
  // "512KiB", "100 MiB", "1GiB", "2048": bytes; "default" or nothing: null (the server's default quota)
  function parseSize(value) {
    const v = value.trim();
    if (v === "" || v.toLowerCase() === "default") { return null; }
    const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|KB|MiB|MB|GiB|GB)?$/i.exec(v);
    if (!m) { return undefined; }
    const unit = (m[2] || "B").toUpperCase().replace("I", "");
    const factor = { B: 1, KB: 1024, MB: 1048576, GB: 1073741824 }[unit];
    return Math.round(parseFloat(m[1]) * factor);
  }

  async function figures() {
    const r = await api("GET", "/api/admin/figures");
    if (!r.ok) { notice(r.error); return; }
    const f = r.data;
    text("fig-accounts", f.accounts); text("fig-disabled", f.disabled_accounts); text("fig-devices", f.devices);
    text("fig-bytes", bytes(f.bytes)); text("fig-blobs", f.blobs); text("fig-rpm", f.requests_per_minute);
  }

  async function signups() {
    const r = await api("GET", "/api/admin/signups");
    if (!r.ok) { notice(r.error); return; }
    document.querySelectorAll("#signups-form input[name=mode]").forEach((i) => { i.checked = i.value === r.data.mode; });
  }

  async function invites() {
    const r = await api("GET", "/api/admin/invites");
    const body = document.querySelector("#invites tbody");
    body.textContent = "";
    if (!r.ok) { notice(r.error); return; }
    if (r.data.length === 0) {
      const row = document.createElement("tr"); cell(row, "No invite links yet.").colSpan = 4; body.appendChild(row);
    }
    r.data.forEach((i) => {
      const row = document.createElement("tr"); row.dataset.id = i.id;
      cell(row, i.note || "—"); cell(row, i.status, "status"); cell(row, whenShort(i.expires_at), "when");
      const actions = cell(row, "", "actions-cell");
      if (i.status === "open") {
        actions.appendChild(button("Revoke", "danger revoke-invite", async () => {
          const x = await api("DELETE", "/api/admin/invites/" + encodeURIComponent(i.id));
          notice(x.ok ? "Invite revoked." : x.error); invites(); adminLog();
        }));
      }
      body.appendChild(row);
    });
  }

  async function accounts() {
    const params = new URLSearchParams({ limit: PAGE, offset });
    if (query) { params.set("q", query); }
    const r = await api("GET", "/api/admin/accounts?" + params);
    const body = document.querySelector("#accounts tbody");
    body.textContent = "";
    if (!r.ok) { notice(r.error); return; }
    const { accounts: list, total } = r.data;
    if (list.length === 0) {
      const row = document.createElement("tr"); cell(row, query ? "No account matches." : "No accounts.").colSpan = 6; body.appendChild(row);
    }
    list.forEach((a) => body.appendChild(accountRow(a)));
    text("page-info", total === 0 ? "" : (offset + 1) + "–" + (offset + list.length) + " of " + total);
    show("prev", offset > 0); show("next", offset + list.length < total);
  }

  function accountRow(a) {
    const row = document.createElement("tr"); row.dataset.id = a.account_id; row.dataset.email = a.email;
    const email = cell(row, a.email, "email");
    if (a.is_admin) { email.appendChild(pill("admin")); }
    if (a.disabled) { email.appendChild(pill("disabled", true)); }
    cell(row, whenShort(a.created_at), "when"); cell(row, whenShort(a.last_seen_at), "when"); cell(row, a.devices);
    cell(row, bytes(a.bytes) + " / " + (a.quota_bytes == null ? "default" : bytes(a.quota_bytes)), "usage");
    const actions = cell(row, "", "actions-cell");
    const self = me && a.account_id === me.account_id;
    if (!self) {
      actions.appendChild(a.disabled
        ? button("Enable", "enable", () => act(row, "POST", "/enable", "Account enabled: " + a.email))
        : button("Disable", "danger disable", () => act(row, "POST", "/disable", "Account disabled: " + a.email + " is signed out everywhere")));
    }
    actions.appendChild(button("Sign out", "sign-out", () => act(row, "POST", "/sign-out", a.email + " is signed out everywhere")));
    actions.appendChild(button("Quota", "quota", () => quotaInline(row, a)));
    if (!self) { actions.appendChild(button("Reset password", "reset-password", () => resetInline(row, a))); }
    if (!self) { actions.appendChild(button(a.is_admin ? "Remove admin" : "Make admin", "role", () => roleInline(row, a))); }
    if (!self) { actions.appendChild(button("Delete", "danger delete", () => confirmDelete(row, a))); }
    return row;
  }

  // The admin role: granted or revoked with the calling admin's own password typed again.
  function roleInline(row, a) {
    const td = row.querySelector(".actions-cell");
    row.classList.add("row-confirm");
    const grant = !a.is_admin;
    const form = document.createElement("form"); form.className = "inline role-form"; form.noValidate = true;
    const field = document.createElement("input"); field.type = "password"; field.className = "own-password";
    field.autocomplete = "current-password"; field.setAttribute("aria-label", "Your password");
    field.placeholder = "Your password";
    const save = document.createElement("button"); save.type = "submit"; save.className = "danger confirm-role";
    save.textContent = grant ? "Make " + a.email + " an admin" : "Remove " + a.email + "'s admin role";
    form.append(field, save, button("Cancel", "cancel", () => accounts()));
    td.textContent = ""; td.appendChild(form);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!field.value) { notice("Type your own password to change an admin role."); field.focus(); return; }
      const r = await act(row, "POST", "/role", grant ? a.email + " is an admin now." : a.email + " is no longer an admin.",
        { admin: grant, password: field.value });
      field.value = "";
      if (!r.ok) { field.focus(); }
    });
    field.focus();
  }

  // The server-wide admin log, a page at a time (older: before the last id shown).
  const logPages = [];
  async function adminLog(before) {
    const params = new URLSearchParams({ limit: PAGE });
    if (before) { params.set("before", before); }
    const r = await api("GET", "/api/admin/log?" + params);
    const body = document.querySelector("#admin-log tbody");
    body.textContent = "";
    if (!r.ok) { notice(r.error); return; }
    if (r.data.entries.length === 0) {
      const row = document.createElement("tr"); cell(row, "No admin actions yet.").colSpan = 5; body.appendChild(row);
    }
    r.data.entries.forEach((e) => {
      const row = document.createElement("tr"); row.dataset.id = e.id;
      cell(row, whenShort(e.at), "when"); cell(row, e.admin_email); cell(row, e.action, "action");
      cell(row, e.target_email || (e.metadata && (e.metadata.mode || e.metadata.invite_id)) || "—"); cell(row, e.ip || "—");
      body.appendChild(row);
    });
    show("log-newest", !!before);
    show("log-older", r.data.next_before != null);
    logPages.next = r.data.next_before;
  }

  async function act(row, method, suffix, done, body) {
    row.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    const r = await api(method, "/api/admin/accounts/" + row.dataset.id + suffix, body);
    notice(r.ok ? done : r.error);
    accounts(); figures(); adminLog();
    return r;
  }

  function quotaInline(row, a) {
    const td = row.querySelector(".actions-cell");
    const form = document.createElement("form"); form.className = "inline quota-form"; form.noValidate = true;
    const field = document.createElement("input"); field.type = "text"; field.className = "quota-field";
    field.value = a.quota_bytes == null ? "default" : String(a.quota_bytes);
    field.setAttribute("aria-label", "Quota for " + a.email + " (bytes, or 100MiB, 1GiB, default)");
    const save = document.createElement("button"); save.type = "submit"; save.className = "primary save"; save.textContent = "Save";
    const cancel = button("Cancel", "cancel", () => accounts());
    form.append(field, save, cancel);
    td.textContent = ""; td.appendChild(form);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const quota = parseSize(field.value);
      if (quota === undefined) { notice("A quota is a size like 500MiB or 2GiB, a number of bytes, or default."); field.focus(); return; }
      const r = await act(row, "PUT", "/quota", "Quota of " + a.email + ": " + (quota == null ? "the default" : bytes(quota)), { quota_bytes: quota });
      if (!r.ok) { field.focus(); }
    });
    field.focus(); field.select();
  }

  // A forgotten password: after a confirmation, a one-time link for the owner, who chooses the password there (the
  // admin never knows it); the row says what it costs (the stored key is lost by design).
  function resetInline(row, a) {
    const td = row.querySelector(".actions-cell");
    row.classList.add("row-confirm");
    const form = document.createElement("form"); form.className = "inline reset-form"; form.noValidate = true;
    const save = document.createElement("button"); save.type = "submit"; save.className = "danger confirm-reset"; save.textContent = "Reset";
    const warn = document.createElement("p"); warn.className = "muted";
    warn.textContent = "Signs " + a.email + " out everywhere; the old password stops working. You get a one-time link for the owner, "
      + "who chooses the new password there. Its stored encryption key is lost: the owner pairs the devices again and rotates the key in the app.";
    form.append(save, button("Cancel", "cancel", () => accounts()), warn);
    td.textContent = ""; td.appendChild(form);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const r = await act(row, "POST", "/reset-password", "Password reset for " + a.email + ": give them the link above. "
        + "Their devices are signed out and must be paired again.");
      if (r.ok) {
        document.getElementById("reset-url").value = r.data.reset_url;
        text("reset-email", a.email); text("reset-expires", when(r.data.expires_at));
        show("reset-made", true);
        document.getElementById("reset-url").select();
      }
    });
    save.focus();
  }

  function confirmDelete(row, a) {
    const td = row.querySelector(".actions-cell");
    row.classList.add("row-confirm");
    td.textContent = "";
    const q = document.createElement("span"); q.textContent = "Delete " + a.email + " and all its data? ";
    td.append(q,
      button("Delete for good", "danger confirm-delete", () => act(row, "DELETE", "", "Account deleted: " + a.email)),
      button("Cancel", "cancel", () => accounts()));
    td.querySelector(".confirm-delete").focus();
  }

  document.getElementById("signups-form").addEventListener("change", async (e) => {
    const r = await api("PUT", "/api/admin/signups", { mode: e.target.value });
    notice(r.ok ? "Sign-ups are now " + r.data.mode + "." : r.error);
    signups(); figures(); adminLog();
  });
  document.getElementById("invite-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const note = document.getElementById("invite-note").value.trim();
    const days = parseInt(document.getElementById("invite-days").value, 10);
    const body = { expires_in_days: isNaN(days) ? 7 : days };
    if (note) { body.note = note; }
    const r = await api("POST", "/api/admin/invites", body);
    if (!r.ok) { notice(r.error); return; }
    document.getElementById("invite-url").value = r.data.url;
    show("invite-made", true);
    document.getElementById("invite-note").value = "";
    notice("Invite link created" + (note ? " for " + note : "") + ".");
    document.getElementById("invite-url").select();
    invites(); adminLog();
  });
  document.getElementById("invite-copy").addEventListener("click", async () => {
    const field = document.getElementById("invite-url");
    field.select();
    try { await navigator.clipboard.writeText(field.value); notice("Invite link copied."); }
    catch (e) { notice("Select the link and copy it."); }
  });
  document.getElementById("reset-copy").addEventListener("click", async () => {
    const field = document.getElementById("reset-url");
    field.select();
    try { await navigator.clipboard.writeText(field.value); notice("Reset link copied."); }
    catch (e) { notice("Select the link and copy it."); }
  });
  document.getElementById("search-form").addEventListener("submit", (e) => {
    e.preventDefault(); query = document.getElementById("search").value.trim(); offset = 0; accounts();
  });
  document.getElementById("log-older").addEventListener("click", () => adminLog(logPages.next));
  document.getElementById("log-newest").addEventListener("click", () => adminLog());
  document.getElementById("prev").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); accounts(); });
  document.getElementById("next").addEventListener("click", () => { offset += PAGE; accounts(); });
  document.getElementById("signout").addEventListener("click", async () => {
    await api("POST", "/api/auth/logout", {});
    location.assign("/login");
  });

  (async () => {
    const r = await api("GET", "/api/auth/me");
    if (r.status === 401) { location.assign("/login"); return; }
    if (!r.ok) { notice(r.error); return; }
    me = r.data;
    text("who", me.email);
    if (!me.is_admin) { show("forbidden", true); return; }
    // FLAMINGO_ADMIN_2FA=required: an admin without a second factor is sent to set one up first
    const gate = await api("GET", "/api/admin/signups");
    if (gate.status === 403) { location.assign("/dashboard#two-factor"); return; }
    show("admin", true);
    figures(); signups(); invites(); accounts(); adminLog();
  })();
})();
