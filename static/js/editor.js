// The preview as an editor, without page loads: the edit form's buttons (remove, restore, undo,
// move up/down) and the drag handle send the very posts the page makes without JavaScript; the
// page the server redirects to is fetched and its draft swapped in here. Focus goes to the next
// track's control and the server's words go to the live region (#edit-status).
// Anything unexpected (an expired session, a refused CSRF token: a 401/403, or an answer that
// is not the preview): the browser posts the form itself, so the server's own path runs and the
// listener sees its page. Each answer's sealed draft (input[name=draft]) is copied into every
// write form, so a post that finds the session gone still carries the latest edits.
(function () {
  "use strict";
  var form = document.getElementById("edit-form");
  var status = document.getElementById("edit-status");
  if (!form || !status || !window.fetch || !window.DOMParser) { return; }
  var reorderUrl = form.dataset.reorderUrl;
  var busy = false;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#tracks > li.track")); }
  function rowIndex(id) {
    return rows().findIndex(function (row) { return row.dataset.trackId === id; });
  }
  function currentOrder() { return rows().map(function (row) { return row.dataset.trackId; }).join(","); }

  // What the server's page says replaces what this page shows; the live region keeps its node
  // (a replaced live region is not announced) and only takes the new words.
  function swapIn(doc) {
    var draft = document.getElementById("draft");
    var fresh = doc.getElementById("draft");
    if (!draft || !fresh) { return false; }
    var openNow = document.getElementById("by-artist");
    var openNext = fresh.querySelector("#by-artist");
    if (openNow && openNext) { openNext.open = openNow.open; }
    draft.replaceWith(document.adoptNode(fresh));
    ["bar-totals"].forEach(function (id) {
      var mine = document.getElementById(id);
      var theirs = doc.getElementById(id);
      if (mine && theirs) { mine.replaceWith(document.adoptNode(theirs)); }
    });
    var said = doc.getElementById("edit-status");
    status.replaceChildren.apply(status, said ? Array.prototype.slice.call(said.childNodes).map(function (n) {
      return document.adoptNode(n);
    }) : []);
    var problems = doc.querySelector("main .messages");
    var shown = document.querySelector("main .messages");
    if (shown) { shown.remove(); }
    if (problems) { document.getElementById("main").prepend(document.adoptNode(problems)); }
    document.title = doc.title;
    // The draft sealed after this edit, for every write form (Shuffle's is outside #draft).
    var sealed = doc.querySelector("input[name=draft]");
    if (sealed) {
      document.querySelectorAll("input[name=draft]").forEach(function (input) { input.value = sealed.value; });
    }
    form = document.getElementById("edit-form");
    enhance();
    return true;
  }

  function focusAfter(target) {
    var list = rows();
    var row = null;
    if (target.id) { row = document.getElementById("track-" + target.id); }
    if (!row && target.index !== undefined && list.length) {
      row = list[Math.min(target.index, list.length - 1)];
    }
    var control = null;
    if (row) {
      control = row.querySelector(target.control) || row.querySelector(".remove-button");
    }
    if (!control) { control = document.querySelector("#tracks .remove-button"); }
    if (control) { control.focus({preventScroll: false}); }
  }

  // The server redirects to the preview with #track-<id>: the track to land on.
  function landing(url) {
    var hash = url.split("#")[1] || "";
    return hash.indexOf("track-") === 0 ? hash.slice(6) : "";
  }

  function send(action, data, target) {
    if (busy) { return; }
    busy = true;
    form.setAttribute("aria-busy", "true");
    fetch(action, {method: "POST", body: data, credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) {
        if (!response.ok || !response.redirected) { throw new Error("not a preview"); }
        return response.text().then(function (text) { return {text: text, url: response.url}; });
      })
      .then(function (answer) {
        var doc = new DOMParser().parseFromString(answer.text, "text/html");
        if (!doc.getElementById("draft")) { throw new Error("not a preview"); }
        swapIn(doc);
        busy = false;
        form.removeAttribute("aria-busy");
        focusAfter(target);
      })
      .catch(function () {
        busy = false;
        form.removeAttribute("aria-busy");
        target.fallback();
      });
  }

  // A click on a submit button of the edit form, inside it or linked to it by form="edit-form".
  document.addEventListener("submit", function (event) {
    if (event.target !== form || form.dataset.plain === "1") { return; }
    var button = event.submitter;
    if (!button) { return; }
    event.preventDefault();
    var data = new FormData(form, button);
    data.set("order", currentOrder());
    var row = button.closest("li.track");
    var id = row ? row.dataset.trackId : "";
    var target = {
      fallback: function () { form.dataset.plain = "1"; form.requestSubmit(button); },
    };
    if (button.classList.contains("remove-button")) {
      target.index = rowIndex(id);
    } else if (button.name === "up" || button.name === "down") {
      target.id = id;
      target.control = button.name === "up" ? ".move-up" : ".move-down";
    } else {
      target.id = button.value;  // restore, undo: the song that comes back
    }
    send(button.formAction, data, target);
  });

  // "Show removed songs": the same page with the list, swapped in.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.js-draft-link");
    if (!link || busy) { return; }
    event.preventDefault();
    busy = true;
    fetch(link.href, {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        busy = false;
        if (!swapIn(doc)) { throw new Error("not a preview"); }
        var first = document.querySelector("#removed-songs .restore-button");
        if (first) { first.focus(); }
      })
      .catch(function () { busy = false; window.location.href = link.href; });
  });

  // Drag by the handle (mouse, pen or touch): the row moves as the pointer does; on release
  // the new order is posted to the reorder address, as one change.
  var dragging = null;
  function onMove(event) {
    if (!dragging) { return; }
    event.preventDefault();
    var under = document.elementFromPoint(event.clientX, event.clientY);
    var over = under && under.closest("#tracks > li.track");
    if (!over || over === dragging.row) { return; }
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragging.row, after ? over.nextSibling : over);
  }
  function onUp() {
    if (!dragging) { return; }
    var row = dragging.row;
    var before = dragging.order;
    dragging = null;
    row.classList.remove("is-dragging");
    document.removeEventListener("pointermove", onMove);
    document.removeEventListener("pointerup", onUp);
    var order = currentOrder();
    if (order === before) { return; }
    var fields = {
      csrfmiddlewaretoken: form.querySelector("[name=csrfmiddlewaretoken]").value,
      draft: (form.querySelector("[name=draft]") || {value: ""}).value,
      order: order,
      track_id: row.dataset.trackId,
    };
    var data = new FormData();
    Object.keys(fields).forEach(function (name) { data.set(name, fields[name]); });
    send(reorderUrl, data, {
      id: row.dataset.trackId,
      control: ".move-up",
      fallback: function () { postPlainly(reorderUrl, fields); },
    });
  }
  // The drag's post made by the browser itself (no form holds it): the server's own page.
  function postPlainly(action, fields) {
    var plain = document.createElement("form");
    plain.method = "post";
    plain.action = action;
    plain.hidden = true;
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      plain.appendChild(input);
    });
    document.body.appendChild(plain);
    plain.submit();
  }
  function enhance() {
    var hint = document.querySelector(".js-drag-hint");
    if (hint) { hint.hidden = false; }
    document.querySelectorAll("#tracks .drag-handle").forEach(function (handle) {
      handle.hidden = false;
      handle.addEventListener("pointerdown", function (event) {
        if (busy || event.button > 0) { return; }
        event.preventDefault();
        var row = handle.closest("li.track");
        dragging = {row: row, order: currentOrder()};
        row.classList.add("is-dragging");
        document.addEventListener("pointermove", onMove);
        document.addEventListener("pointerup", onUp);
      });
    });
  }
  if (reorderUrl) { enhance(); }
})();
