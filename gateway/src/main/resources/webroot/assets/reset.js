"use strict";
// The page of a one-time password-reset link (/reset?token=…): the owner chooses the new password (typed twice);
// POST /api/auth/reset-password {token, password}. The admin who made the link never learns it.
(function () {
  const token = new URLSearchParams(location.search).get("token") || "";
  // the token leaves the address bar (and so the history and any screenshot) at once; the page keeps it
  history.replaceState(null, "", "/reset");
  if (!/^flm_reset_[0-9a-f]{64}$/.test(token)) { show("unusable", true); return; }
  show("choose", true);
  const form = document.getElementById("reset-form");
  const first = document.getElementById("new-password");
  const second = document.getElementById("new-password-again");
  function error(message) { text("reset-error", message); show("reset-error", !!message); }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error("");
    if (first.value === "") { error("Choose a password."); first.focus(); return; }
    if (first.value !== second.value) { error("The two passwords differ: type the same one twice."); second.focus(); return; }
    const button = document.getElementById("reset-submit");
    button.disabled = true;
    const r = await api("POST", "/api/auth/reset-password", { token, password: first.value });
    button.disabled = false;
    if (r.ok) {
      first.value = ""; second.value = "";
      show("choose", false); show("done", true);
      return;
    }
    if (r.status === 400 && /reset link/.test(r.error)) {
      text("unusable-text", r.error);
      show("choose", false); show("unusable", true);
      return;
    }
    error(r.error);
    first.focus();
  });
  first.focus();
})();
