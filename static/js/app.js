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

// "Pick by name": suggest artists from Spotify as the user types; Enter adds the name.
(function () {
  "use strict";
  var picker = document.querySelector(".artist-picker");
  if (!picker) { return; }
  var box = document.getElementById("artist-search");
  var list = document.getElementById("artist-suggestions");
  var names = document.getElementById("id_picked_artists");
  if (!box || !list || !names) { return; }
  picker.querySelector(".js-only").hidden = false;
  var timer = null;
  box.addEventListener("input", function () {
    window.clearTimeout(timer);
    var query = box.value.trim();
    if (query.length < 2) { return; }
    timer = window.setTimeout(function () {
      fetch(picker.dataset.searchUrl + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {artists: []}; })
        .then(function (data) {
          list.replaceChildren();
          (data.artists || []).forEach(function (artist) {
            var option = document.createElement("option");
            option.value = artist.name;
            list.appendChild(option);
          });
        })
        .catch(function () { /* suggestions are optional */ });
    }, 300);
  });
  box.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    event.preventDefault();
    var name = box.value.trim();
    if (!name) { return; }
    var current = names.value.split(/[\n,]/).map(function (s) { return s.trim(); }).filter(Boolean);
    if (current.indexOf(name) === -1) { current.push(name); }
    names.value = current.join("\n");
    box.value = "";
    var picked = document.getElementById("id_artist_source_2");
    if (picked) { picked.checked = true; }
  });
})();
