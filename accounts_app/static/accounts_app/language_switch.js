// The admin header's language switch: a language picked is a language chosen, so the form is
// sent at once and its button, needed only without JavaScript, is hidden.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("language-switch");
  if (!form) { return; }
  form.querySelector("button").hidden = true;
  form.querySelector("select").addEventListener("change", () => form.submit());
});
