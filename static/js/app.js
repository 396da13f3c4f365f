// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";

  // Show the deep-cut share next to its slider as it moves.
  var slider = document.getElementById("id_deep_cut_percent");
  var output = document.getElementById("deep-cut-value");
  if (slider && output) {
    slider.addEventListener("input", function () { output.value = slider.value; });
  }

  // While a slow form is working: show progress and refuse a second submit.
  document.querySelectorAll("form.js-busy-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.busy === "1") { event.preventDefault(); return; }
      form.dataset.busy = "1";
      form.classList.add("is-working");
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.setAttribute("aria-busy", "true");
        // Disable after the browser has captured the submission.
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
  // Coming back with the back button must not leave forms stuck.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form.js-busy-form").forEach(function (form) {
      delete form.dataset.busy;
      form.classList.remove("is-working");
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        b.disabled = false; b.removeAttribute("aria-busy");
      });
    });
  });
})();

// Album art that cannot load (offline demo, a removed image) becomes a neutral tile.
document.addEventListener("error", function (event) {
  var img = event.target;
  if (img && img.tagName === "IMG" && img.classList.contains("track-art")) {
    var tile = document.createElement("span");
    tile.className = "track-art";
    tile.setAttribute("aria-hidden", "true");
    img.replaceWith(tile);
  }
}, true);
