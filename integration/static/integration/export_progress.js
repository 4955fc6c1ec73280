"use strict";
// Follow the run: ask the status endpoint every second until it has finished, then load the
// page once more so every field below (state, counts, times, the invoices that need a person)
// shows the outcome. A page that opens on a finished run has nothing to follow, which also
// keeps that last load from reloading again.
(function () {
  const box = document.getElementById("export-progress");
  if (!box || box.dataset.finished === "true") { return; }
  const bar = document.getElementById("export-bar"), text = document.getElementById("export-text");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(r => r.json()).then(s => {
      bar.max = Math.max(s.total, 1); bar.value = s.done + s.failed;
      // No estimate before the first invoice is through: there is nothing to estimate from.
      const left = s.finished || !(s.done + s.failed) ? "" : ` About ${s.seconds_left} s left.`;
      text.textContent = `${s.state_label}: ${s.done} done, ${s.failed} failed of ${s.total}.${left}`;
      if (s.finished) { location.reload(); } else { setTimeout(poll, 1000); }
    }).catch(() => setTimeout(poll, 5000));  // the server restarting, say: keep following
  }
  poll();
})();
