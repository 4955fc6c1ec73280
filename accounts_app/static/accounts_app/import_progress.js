// Follow a spreadsheet import: ask its status every second until it has finished, then load
// the page once more to show the result (what was imported, or the refused rows). A page that
// opens on a finished import has nothing to follow.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "true") { return; }
  const bar = document.getElementById("import-bar"), text = document.getElementById("import-text");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(r => r.json()).then(s => {
      bar.max = Math.max(s.total, 1); bar.value = s.done;
      // The sentence comes translated from the page, with {state}, {done} and {total} to fill.
      text.textContent = box.dataset.rowsText.replace("{state}", s.state_label)
        .replace("{done}", s.done).replace("{total}", s.total);
      if (s.finished) { location.reload(); } else { setTimeout(poll, 1000); }
    }).catch(() => setTimeout(poll, 5000));  // the server restarting, say: keep following
  }
  poll();
});
