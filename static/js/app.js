// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";

  // A form came back with problems: the summary at the top takes focus, so it is read first
  // and its links lead to each field (the GOV.UK error summary).
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // Show the deep-cut share next to its slider as it moves.
  var slider = document.getElementById("id_deep_cut_percent");
  var output = document.getElementById("deep-cut-value");
  if (slider && output) {
    slider.addEventListener("input", function () { output.value = slider.value; });
  }

  // While a slow form is working: show progress and refuse a second submit. A form's
  // buttons may sit outside it (form="…", the preview's action bar): form.elements has them.
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.type === "submit";
    });
  }
  function progressAreas(form) {
    if (!form.id) { return []; }
    return Array.prototype.filter.call(document.querySelectorAll("[data-progress-for]"), function (el) {
      return el.dataset.progressFor.split(" ").indexOf(form.id) !== -1;
    });
  }
  document.querySelectorAll("form.js-busy-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.busy === "1") { event.preventDefault(); return; }
      form.dataset.busy = "1";
      form.classList.add("is-working");
      progressAreas(form).forEach(function (area) {
        area.classList.add("is-working");
        var text = area.querySelector(".progress-text");
        if (text && form.dataset.progressText) { text.textContent = form.dataset.progressText; }
      });
      submitButtons(form).forEach(function (button) {
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
      progressAreas(form).forEach(function (area) { area.classList.remove("is-working"); });
      submitButtons(form).forEach(function (b) {
        b.disabled = false; b.removeAttribute("aria-busy");
      });
    });
  });

  // Options form: show the time range only for top artists, the artist count only for top
  // and followed artists, and the name picker only for "pick by name". Without JavaScript
  // every field stays visible (and says when it is used).
  var sources = document.querySelectorAll("input[name=artist_source]");
  var dependants = document.querySelectorAll("[data-shown-for]");
  function showForSource() {
    var chosen = document.querySelector("input[name=artist_source]:checked");
    var value = chosen ? chosen.value : "";
    dependants.forEach(function (el) {
      el.hidden = el.dataset.shownFor.split(" ").indexOf(value) === -1;
    });
  }
  if (sources.length && dependants.length) {
    sources.forEach(function (radio) { radio.addEventListener("change", showForSource); });
    showForSource();
  }
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
