"use strict";
// /complete says "Device connected" only when this tab connected a device in the last ten minutes (login.js leaves a
// note in sessionStorage); opened on its own, it says nothing happened and how to connect one.
(function () {
  let note = null;
  try { note = JSON.parse(sessionStorage.getItem("flamingo.connected") || "null"); } catch (e) { note = null; }
  const fresh = note && typeof note.at === "number" && Date.now() - note.at < 10 * 60 * 1000;
  if (fresh) {
    if (note.device) { text("complete-text", "“" + note.device + "” can sync now. You can return to Flamingo: it will finish setting up sync in a moment."); }
    show("complete-done", true);
    return;
  }
  document.title = "Connect a device · Flamingo Sync";
  show("complete-none", true);
})();
