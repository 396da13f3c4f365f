// "Pick by name": one combobox with a listbox popup (the WAI-ARIA APG combobox pattern, list
// autocomplete with manual selection) whose chosen artists become removable chips.
//
// Progressive enhancement: without JavaScript the form has a textarea, a name a line. With it
// the textarea is hidden and kept in step with the chips, so the form sends exactly the same
// field and the server applies the same rules. Hand-written (about 300 lines) rather than a
// library: the well-kept combobox libraries either bring a framework, inject inline styles
// (which the strict Content-Security-Policy refuses) or do not do chips; this needs only the
// APG's keyboard model, debounced look-ups that respect the server's Retry-After, and chips.
(function () {
  "use strict";
  var picker = document.getElementById("artist-picker");
  var wrapper = document.getElementById("artist-combobox");
  var input = document.getElementById("artist-search");
  var listbox = document.getElementById("artist-suggestions");
  var names = document.getElementById("id_picked_artists");
  var chips = document.getElementById("picked-chips");
  if (!picker || !wrapper || !input || !listbox || !names || !chips) { return; }
  var status = document.getElementById("artist-search-status");
  var problem = document.getElementById("artist-search-problem");
  var countText = document.getElementById("picked-chips-count");
  var fallback = document.getElementById("picked-names");

  var maxPicked = parseInt(names.dataset.maxPicked, 10) || 50;
  var maxName = parseInt(names.dataset.maxName, 10) || 100;
  var tooMany = names.dataset.tooMany || "Pick at most " + maxPicked + " artists.";
  var tooLong = names.dataset.tooLong || "Each artist name must be 1 to " + maxName + " characters.";
  var PAUSE_MS = 350;
  var MIN_QUERY = 2;

  // -- the chosen names: the hidden textarea is the one record ----------------------------------
  function fold(text) { return text.trim().replace(/\s+/g, " "); }
  function key(text) { return fold(text).toLocaleLowerCase(); }
  // As the server reads it (playlists/forms.py split_names): a name a line, or all on one line
  // separated by commas.
  function readNames() {
    var text = names.value;
    var parts = /[\r\n]/.test(text) ? text.split(/\r\n|\r|\n/) : text.split(",");
    var seen = {};
    return parts.map(fold).filter(function (name) {
      if (!name || seen[key(name)]) { return false; }
      seen[key(name)] = true;
      return true;
    });
  }
  function writeNames(list) {
    // A line more when a name holds a comma, so that a single "Tyler, The Creator" stays one.
    var comma = list.some(function (name) { return name.indexOf(",") !== -1; });
    names.value = list.join("\n") + (comma ? "\n" : "");
  }
  var chosen = readNames();
  var pictures = {};  // key(name) -> image URL, for the artists chosen from suggestions

  function say(text) {
    if (!status) { return; }
    // A fresh text node each time, so that the same words are announced again.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }
  function showProblem(text) {
    if (!problem) { return; }
    problem.textContent = text || "";
    problem.hidden = !text;
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function picture(url, className) {
    if (!url) {
      var tile = document.createElement("span");
      tile.className = className + " is-placeholder";
      tile.setAttribute("aria-hidden", "true");
      return tile;
    }
    var img = document.createElement("img");
    img.className = className;
    img.src = url;
    img.alt = "";  // the name is beside it
    img.width = 40;
    img.height = 40;
    img.loading = "lazy";
    img.decoding = "async";
    img.addEventListener("error", function () {
      img.replaceWith(picture(null, className));
    });
    return img;
  }

  function renderChips(focusIndex) {
    chips.replaceChildren();
    chosen.forEach(function (name, index) {
      var chip = document.createElement("li");
      chip.className = "chip";
      chip.appendChild(picture(pictures[key(name)], "chip-art"));
      var label = document.createElement("span");
      label.className = "chip-name";
      label.textContent = name;
      chip.appendChild(label);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("aria-label", "Remove " + name);
      var cross = document.createElement("span");
      cross.setAttribute("aria-hidden", "true");
      cross.textContent = "✕";
      remove.appendChild(cross);
      remove.addEventListener("click", function () { removeAt(index); });
      chip.appendChild(remove);
      chips.appendChild(chip);
    });
    if (countText) {
      countText.textContent = chosen.length ? String(chosen.length) : "none yet";
    }
    if (typeof focusIndex === "number") {
      var buttons = chips.querySelectorAll(".chip-remove");
      if (buttons.length) {
        buttons[Math.min(focusIndex, buttons.length - 1)].focus();
      } else {
        input.focus();
      }
    }
  }

  function choose(name, image) {
    name = fold(name);
    if (!name) { return false; }
    if (name.length > maxName) { showProblem(tooLong); say(tooLong); return false; }
    var already = chosen.some(function (n) { return key(n) === key(name); });
    if (already) {
      showProblem("");
      say(name + " is already chosen.");
      return true;
    }
    if (chosen.length >= maxPicked) { showProblem(tooMany); say(tooMany); return false; }
    showProblem("");
    input.removeAttribute("aria-invalid");  // the server's complaint was about the old list
    if (image) { pictures[key(name)] = image; }
    chosen.push(name);
    writeNames(chosen);
    renderChips();
    // Choosing a name is choosing "pick by name".
    var source = document.querySelector("input[name=artist_source][value=picked]");
    if (source && !source.checked) {
      source.checked = true;
      source.dispatchEvent(new Event("change", {bubbles: true}));
    }
    say("Added " + name + ". " + plural(chosen.length, "artist", "artists") + " chosen.");
    return true;
  }

  function removeAt(index) {
    input.removeAttribute("aria-invalid");
    var name = chosen[index];
    chosen.splice(index, 1);
    writeNames(chosen);
    showProblem("");
    renderChips(index);
    say("Removed " + name + ". " + (chosen.length ? plural(chosen.length, "artist", "artists") + " chosen." : "No artists chosen."));
  }

  // -- the popup ------------------------------------------------------------------------------
  var found = [];       // the artists the listbox shows
  var active = -1;      // the highlighted option, or -1

  function isOpen() { return !listbox.hidden; }
  function open() {
    if (!found.length) { return; }
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }
  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    highlight(-1);
  }
  function highlight(index) {
    active = index;
    Array.prototype.forEach.call(listbox.children, function (option, i) {
      var on = i === index;
      option.setAttribute("aria-selected", on ? "true" : "false");
      option.classList.toggle("is-active", on);
      if (on) { option.scrollIntoView({block: "nearest"}); }
    });
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", listbox.children[index].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }
  function show(artists, query) {
    found = artists.slice(0, 10);
    listbox.replaceChildren();
    found.forEach(function (artist, index) {
      var option = document.createElement("li");
      option.id = "artist-option-" + index;
      option.className = "suggestion";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.appendChild(picture(artist.image, "suggestion-art"));
      var label = document.createElement("span");
      label.className = "suggestion-name";
      label.textContent = artist.name;
      option.appendChild(label);
      // Keep the focus in the box (no blur) and choose on the click: mouse, touch and pen.
      option.addEventListener("mousedown", function (event) { event.preventDefault(); });
      option.addEventListener("click", function () { chooseOption(index); });
      listbox.appendChild(option);
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (found.length) {
      open();
      say(plural(found.length, "artist", "artists") + " found. Use the up and down arrow keys to choose, then Enter.");
    } else {
      close();
      say("No artist found for " + query + ". Press Enter to add the name as typed.");
    }
  }
  function chooseOption(index) {
    var artist = found[index];
    if (!artist) { return; }
    if (choose(artist.name, artist.image)) {
      input.value = "";
      found = [];
      listbox.replaceChildren();
    }
    close();
    input.focus();
  }

  // -- asking for suggestions -------------------------------------------------------------------
  // Only after a pause in typing, never twice for the same text, and not at all while the
  // server says to wait (429 with Retry-After): suggestions share the listener's Spotify budget.
  var timer = null;
  var answers = new Map();
  var quietUntil = 0;
  var asked = 0;

  function current() { return fold(input.value); }
  function ask(query) {
    var mine = ++asked;
    fetch(picker.dataset.searchUrl + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin", headers: {Accept: "application/json"}
    })
      .then(function (response) {
        if (response.status === 429) {
          var wait = parseInt(response.headers.get("Retry-After"), 10) || 30;
          quietUntil = Date.now() + wait * 1000;
        }
        return response.json().catch(function () { return {}; }).then(function (data) {
          return {ok: response.ok, data: data};
        });
      })
      .then(function (answer) {
        if (!answer.ok || !Array.isArray(answer.data.artists)) {
          if (answer.data && answer.data.error) { say(answer.data.error); }
          return;
        }
        answers.set(key(query), answer.data.artists);
        if (mine === asked && key(current()) === key(query)) { show(answer.data.artists, query); }
      })
      .catch(function () { /* suggestions are optional: Enter adds the name as typed */ });
  }
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    showProblem("");
    var query = current();
    if (query.length < MIN_QUERY) { found = []; listbox.replaceChildren(); close(); return; }
    if (answers.has(key(query))) { show(answers.get(key(query)), query); return; }
    timer = window.setTimeout(function () {
      if (Date.now() < quietUntil) {
        say("Suggestions are paused for a moment: press Enter to add the name as typed.");
        return;
      }
      ask(query);
    }, PAUSE_MS);
  });

  // -- the keyboard (APG: focus stays in the box; the highlight is aria-activedescendant) ----------
  input.addEventListener("keydown", function (event) {
    if (event.isComposing) { return; }  // an input method's Enter confirms its own text
    if (event.altKey && event.key === "ArrowDown") { open(); event.preventDefault(); return; }
    switch (event.key) {
      case "ArrowDown":
        if (!found.length) { return; }
        event.preventDefault();
        if (!isOpen()) { open(); highlight(0); return; }
        highlight(active + 1 >= found.length ? 0 : active + 1);
        return;
      case "ArrowUp":
        if (!found.length) { return; }
        event.preventDefault();
        if (!isOpen()) { open(); highlight(found.length - 1); return; }
        highlight(active <= 0 ? found.length - 1 : active - 1);
        return;
      case "Enter": {
        // Never send the form from the box: Enter chooses.
        event.preventDefault();
        if (isOpen() && active >= 0) { chooseOption(active); return; }
        var typed = current();
        if (!typed) { return; }
        // Nothing highlighted: the suggestion spelled as typed, else the name as typed (the
        // generator searches Spotify for it, as for a name typed without JavaScript).
        var same = found.findIndex(function (a) { return key(a.name) === key(typed); });
        if (isOpen() && same >= 0) { chooseOption(same); return; }
        if (choose(typed, null)) { input.value = ""; found = []; listbox.replaceChildren(); }
        close();
        return;
      }
      case "Escape":
        if (isOpen()) { event.preventDefault(); close(); return; }
        if (input.value) { event.preventDefault(); input.value = ""; found = []; listbox.replaceChildren(); }
        return;
      case "Tab":
        close();
        return;
      default:
        return;
    }
  });
  input.addEventListener("blur", function () { close(); });
  input.addEventListener("click", function () { if (!isOpen() && found.length) { open(); } });

  // -- switching the textarea for the combobox ---------------------------------------------------
  wrapper.hidden = false;
  if (fallback) { fallback.hidden = true; }
  input.maxLength = maxName;
  // The error summary's link to the names leads to the box now.
  document.querySelectorAll('a[href="#' + names.id + '"]').forEach(function (link) {
    link.setAttribute("href", "#" + input.id);
  });
  renderChips();
})();
