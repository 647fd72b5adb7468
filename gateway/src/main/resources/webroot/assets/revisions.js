"use strict";
// The dashboard's earlier versions and trash (docs/protocol.md, "Revisions"): per data type, what the server kept when
// a device replaced or deleted it, which device wrote each version and which replaced it; Restore, the trash and
// "Delete history", each after a confirmation. The page cannot decrypt: a restore makes the old ciphertext the
// current version, and the apps pick it up at their next sync.
window.revisions = (function () {
  const device = (name) => name || "a device without a name";
  const times = (n) => n === 1 ? "once" : n === 2 ? "twice" : n + " times";
  const versions = (n) => n === 1 ? "1 earlier version" : n + " earlier versions";

  function el(tag, className, value) {
    const e = document.createElement(tag);
    if (className) { e.className = className; }
    if (value !== undefined) { e.textContent = value; }
    return e;
  }

  function button(label, className, onClick, spoken) {
    const b = el("button", className, label); b.type = "button";
    if (spoken) { b.setAttribute("aria-label", spoken); }
    b.addEventListener("click", onClick);
    return b;
  }

  // Asks in the page's <dialog>: resolves true when confirmed (Cancel or Escape: false).
  function confirmed(title, message, action, danger) {
    const dialog = document.getElementById("confirm-dialog");
    text("confirm-title", title); text("confirm-text", message);
    const ok = document.getElementById("confirm-ok");
    ok.textContent = action; ok.className = danger ? "danger" : "primary";
    dialog.returnValue = "";
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
      dialog.showModal();
      document.getElementById("confirm-cancel").focus();
    });
  }

  // "Desktop B replaced a change from Laptop A": the version was written by one device and replaced by another
  function badge(item) {
    if (!item.replaced_by_other_device) { return null; }
    const verb = item.reason === "deleted" ? " deleted a change from " : " replaced a change from ";
    return el("span", "badge replaced-by-other", device(item.replaced_by_device_name) + verb + device(item.device_name));
  }

  const REASONS = { replaced: "Replaced", deleted: "Deleted", restored: "Replaced by a restore" };

  async function restore(type, item, changed) {
    const ok = await confirmed("Restore this version of " + type.label + "?",
      type.label + " as " + device(item.device_name) + " wrote it on " + when(item.written_at) + " ("
        + bytes(item.blob_size_bytes) + ") becomes the current version; what is current now is kept here. This page "
        + "cannot read your data (it stays encrypted): your apps pick the restored version up at their next sync.",
      "Restore", false);
    if (!ok) { return; }
    const r = await api("POST", "/api/web/data/" + type.name + "/revisions/" + item.version + "/restore", {});
    notice(r.ok ? "Restored: " + type.label + " from " + whenShort(item.written_at) + " is the current version now"
      + (r.data && r.data.version ? " (version " + r.data.version + ")" : "") + ". Your apps pick it up at their next sync."
      : r.error);
    changed();
  }

  async function purge(type, count, size, changed) {
    const ok = await confirmed("Delete the history of " + type.label + "?",
      "The " + versions(count) + " of " + type.label + " kept on this server (" + bytes(size) + "), the trash "
        + "included, are deleted for good. Your current " + type.label + " stays as it is.",
      "Delete history", true);
    if (!ok) { return; }
    const r = await api("DELETE", "/api/web/data/" + type.name + "/revisions");
    notice(r.ok ? "History of " + type.label + " deleted (" + versions(r.data ? r.data.purged : count) + ")." : r.error);
    changed();
  }

  function row(type, item, changed) {
    const tr = el("tr"); tr.dataset.version = item.version;
    cell(tr, whenShort(item.written_at), "when").title = when(item.written_at);
    cell(tr, device(item.device_name), "device");
    cell(tr, bytes(item.blob_size_bytes));
    const reason = cell(tr, REASONS[item.reason] || item.reason, "reason");
    const b = badge(item);
    if (b) { reason.append(" ", b); }
    cell(tr, "", "actions-cell").appendChild(button("Restore", "restore", () => restore(type, item, changed),
      "Restore " + type.label + " of " + when(item.written_at)));
    return tr;
  }

  function typeBlock(type, summary, items, changed) {
    const block = el("section", "history-type"); block.dataset.type = type.name;
    const title = el("h3", "", type.label + " ");
    title.appendChild(el("span", "pill", versions(summary.revision_count) + " · " + bytes(summary.revision_bytes)));
    const table = el("table"); table.id = "history-" + type.name;
    const head = el("tr");
    ["Time", "Device", "Size", "Kept because"].forEach((h) => { const th = el("th", "", h); th.scope = "col"; head.appendChild(th); });
    const actions = el("th"); actions.scope = "col"; actions.appendChild(el("span", "sr-only", "Actions")); head.appendChild(actions);
    table.createTHead().appendChild(head);
    const body = table.createTBody();
    items.forEach((item) => body.appendChild(row(type, item, changed)));
    const wrap = el("div", "table-wrap"); wrap.appendChild(table);
    block.append(title, wrap, button("Delete history", "danger delete-history",
      () => purge(type, summary.revision_count, summary.revision_bytes, changed), "Delete the history of " + type.label));
    return block;
  }

  // a deleted type: its newest "deleted" version, restorable
  function trashItem(type, item, changed) {
    const li = el("li"); li.dataset.type = type.name;
    li.appendChild(el("strong", "", type.label));
    const writer = item.replaced_by_other_device ? " · last written by " + device(item.device_name) : "";
    li.appendChild(el("div", "meta", "deleted " + whenShort(item.kept_at) + " by " + device(item.replaced_by_device_name)
      + writer + " · " + bytes(item.blob_size_bytes)));
    li.appendChild(button("Restore", "restore", () => restore(type, item, changed), "Restore " + type.label + " from the trash"));
    return li;
  }

  function overwrites(list, labels) {
    const ul = document.getElementById("overwrites");
    ul.textContent = "";
    (list || []).forEach((o) => {
      ul.appendChild(el("li", "", device(o.device_name) + " replaced " + device(o.replaced_device_name) + "'s "
        + (labels[o.type] || o.type).toLowerCase() + " " + times(o.count) + " this week"));
    });
    ul.hidden = ul.children.length === 0;
  }

  /** Shows the summary (the promise of GET /api/web/data/revisions) and each kept type's list; changed() after an action. */
  async function show(types, summaryAnswer, changed) {
    const r = await summaryAnswer;
    if (!r.ok) { text("history-usage", "Earlier versions cannot be shown now: " + r.error); return; }
    const s = r.data;
    const labels = {};
    types.forEach((t) => { labels[t.name] = t.label; });
    text("history-usage", s.revision_bytes > 0
      ? "Earlier versions take " + bytes(s.revision_bytes) + " of your storage, apart from your current data (its "
        + "size is in Overview). Both count against your storage quota."
      : "No earlier versions kept yet: they appear here when a device replaces or deletes synced data.");
    overwrites(s.overwrites, labels);
    const byType = {};
    (s.types || []).forEach((t) => { byType[t.type] = t; });
    const kept = types.filter((t) => byType[t.name] && (byType[t.name].revision_count > 0 || byType[t.name].trashed));
    const lists = await Promise.all(kept.map((t) => api("GET", "/api/web/data/" + t.name + "/revisions")));
    const trash = [];
    const blocks = [];
    kept.forEach((t, i) => {
      if (!lists[i].ok) { notice(lists[i].error); return; }
      const items = lists[i].data.items || [];
      const deleted = items.find((x) => x.reason === "deleted");
      if (byType[t.name].trashed && deleted) { trash.push(trashItem(t, deleted, changed)); }
      if (items.length > 0) { blocks.push(typeBlock(t, byType[t.name], items, changed)); }
    });
    if (trash.length === 0) { trash.push(el("li", "muted", "The trash is empty.")); }
    document.getElementById("trash").replaceChildren(...trash);
    document.getElementById("history-types").replaceChildren(...blocks);
  }

  return { show };
})();
