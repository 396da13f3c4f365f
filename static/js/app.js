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

  // Options form: show the time range only for top artists and the name picker only for
  // "pick by name". Without JavaScript every field stays visible (and is simply ignored).
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
  // Ask only after a pause in typing, never twice for the same text, and not at all while
  // the server says to wait (429 with Retry-After): suggestions share the app's Spotify budget.
  var timer = null;
  var answers = new Map();
  var quietUntil = 0;
  function show(artists) {
    list.replaceChildren();
    artists.forEach(function (artist) {
      var option = document.createElement("option");
      option.value = artist.name;
      list.appendChild(option);
    });
  }
  box.addEventListener("input", function () {
    window.clearTimeout(timer);
    var query = box.value.trim().replace(/\s+/g, " ");
    var key = query.toLowerCase();
    if (query.length < 2) { return; }
    if (answers.has(key)) { show(answers.get(key)); return; }
    timer = window.setTimeout(function () {
      if (Date.now() < quietUntil) { return; }
      fetch(picker.dataset.searchUrl + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
        .then(function (r) {
          if (r.status === 429) {
            var wait = parseInt(r.headers.get("Retry-After"), 10) || 30;
            quietUntil = Date.now() + wait * 1000;
          }
          return r.ok ? r.json() : {artists: null};
        })
        .then(function (data) {
          if (!data.artists) { return; }
          answers.set(key, data.artists);
          show(data.artists);
        })
        .catch(function () { /* suggestions are optional */ });
    }, 350);
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
