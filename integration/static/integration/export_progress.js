"use strict";
// Follow the run: ask the status endpoint every second and show its state and counts, in the
// bar and in the page's own fields, until it has finished; then load the page once more so
// every field (times, the invoices that need a person) shows the outcome. A page that opens on
// a finished run has nothing to follow, which also keeps that last load from reloading again.
// The sentences come translated from the page (data-text, data-left), with {names} to fill.
(function () {
  const box = document.getElementById("export-progress");
  if (!box || box.dataset.finished === "true") { return; }
  const bar = document.getElementById("export-bar"), text = document.getElementById("export-text");
  function fill(sentence, values) {
    return sentence.replace(/\{(\w+)\}/g, (whole, name) => name in values ? values[name] : whole);
  }
  function field(name, value) {
    const shown = document.querySelector(`.field-${name} .readonly`);
    if (shown) { shown.textContent = value; }
  }
  function show(s) {
    bar.max = Math.max(s.total, 1); bar.value = s.done + s.failed;
    // No estimate before the first invoice is through: there is nothing to estimate from.
    const left = !(s.done + s.failed) ? "" : " " + fill(box.dataset.left, {seconds: s.seconds_left});
    text.textContent = fill(box.dataset.text, {state: s.state_label, done: s.done,
                                               failed: s.failed, total: s.total}) + left;
  }
  function showFields(s) {
    field("state", s.state_label); field("done", s.done);
    field("failed", s.failed); field("total", s.total);
  }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(r => r.json()).then(s => {
      show(s);
      // The finished page's fields come from the server, shown once by the last load.
      if (s.finished) { location.reload(); return; }
      showFields(s); setTimeout(poll, 1000);
    }).catch(() => setTimeout(poll, 5000));  // the server restarting, say: keep following
  }
  poll();
})();
