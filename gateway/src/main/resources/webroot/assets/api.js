// A tiny client for the same-origin JSON API: every answer is the envelope {success, data, error, message}.
"use strict";
window.api = async function api(method, path, body) {
  const options = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    return { ok: false, status: 0, error: "The server could not be reached. Check your connection." };
  }
  let envelope = {};
  try { envelope = await response.json(); } catch (e) { /* not JSON: keep the status */ }
  return { ok: response.ok, status: response.status, data: envelope.data, message: envelope.message,
           error: envelope.error || ("HTTP " + response.status) };
};
window.show = (id, visible) => { document.getElementById(id).hidden = !visible; };
window.text = (id, value) => { document.getElementById(id).textContent = value; };
// the page's status line (#notice): shown with a message, hidden without one
window.notice = (message) => { text("notice", message); show("notice", !!message); };
// a table cell with this text (and class), appended to the row; returns the cell
window.cell = (row, value, className) => {
  const td = document.createElement("td"); td.textContent = value;
  if (className) { td.className = className; }
  row.appendChild(td); return td;
};
window.when = (iso) => iso ? new Date(iso).toLocaleString() : "never";
// for table cells, where the full form would not fit the column: "7 Dec 17:02" this year, "3 Dec 2025 22:15" before
window.whenShort = (iso) => {
  if (!iso) { return "never"; }
  const d = new Date(iso);
  const day = d.toLocaleDateString(undefined, d.getFullYear() === new Date().getFullYear()
    ? { day: "numeric", month: "short" } : { day: "numeric", month: "short", year: "numeric" });
  return day + " " + d.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
};
// sizes in the units people read: 512 B, 4.0 KiB, 25.0 MiB, 1.0 GiB
window.bytes = (n) => n == null ? "—" : n < 1024 ? n + " B" : n < 1048576 ? (n / 1024).toFixed(1) + " KiB"
  : n < 1073741824 ? (n / 1048576).toFixed(1) + " MiB" : (n / 1073741824).toFixed(1) + " GiB";
