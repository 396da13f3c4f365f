// Replace an earlier playlist, in a dialog over the preview. Without JavaScript, Replace is a
// link to two plain pages (the choices, then the confirmation; views/replace.py); here those
// same pages are fetched and their panel shown in a <dialog>, so the preview stays where it
// is. The replace itself is always the confirmation's own POST form, submitted by the
// browser (the server requires it). Anything unexpected (no panel in the answer: an expired
// session, a sign-in): the browser goes to the page itself.
(function () {
  "use strict";
  var button = document.getElementById("replace-button");
  if (!button || !window.fetch || !window.DOMParser || !window.HTMLDialogElement) { return; }
  var dialog = null;
  button.setAttribute("aria-haspopup", "dialog");

  // The preview's digest now (an edit in place changes it; editor.js swaps the save form).
  function withCurrentDigest(href) {
    var url = new URL(href, window.location.href);
    var digest = document.querySelector("#save-form input[name=digest]");
    if (digest && url.searchParams.has("digest")) { url.searchParams.set("digest", digest.value); }
    return url.toString();
  }

  function ensureDialog() {
    if (dialog) { return dialog; }
    dialog = document.createElement("dialog");
    dialog.className = "replace-dialog";
    dialog.id = "replace-dialog";
    dialog.setAttribute("aria-labelledby", "replace-title");
    dialog.addEventListener("click", onClick);
    dialog.addEventListener("submit", onSubmit);
    document.body.appendChild(dialog);
    return dialog;
  }

  // The answer's panel (and its messages) in the dialog; its heading becomes the dialog's.
  function show(doc, url) {
    var panel = doc.getElementById("replace-panel");
    if (!panel) { window.location.assign(url); return; }
    var heading = panel.querySelector("h1");
    if (heading) {
      var h2 = doc.createElement("h2");
      h2.id = heading.id;
      h2.tabIndex = -1;
      h2.replaceChildren.apply(h2, Array.prototype.slice.call(heading.childNodes));
      heading.replaceWith(h2);
    }
    var said = doc.querySelector("main .messages");
    if (said) { panel.prepend(said); }
    var d = ensureDialog();
    d.replaceChildren(document.adoptNode(panel));
    if (!d.open) { d.showModal(); }
    var first = d.querySelector(".messages") ? d.querySelector("#replace-title")
      : d.querySelector("input[type=radio]") || d.querySelector("#replace-title");
    if (first) { first.focus(); }
  }

  function load(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text().then(function (text) {
          show(new DOMParser().parseFromString(text, "text/html"), response.url || url);
        });
      })
      .catch(function () { window.location.assign(url); });
  }

  function close() { if (dialog && dialog.open) { dialog.close(); } }

  function onClick(event) {
    var link = event.target.closest("a");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey
        || event.shiftKey || event.altKey) { return; }
    if (link.id === "replace-cancel") { event.preventDefault(); close(); return; }
    if (link.id === "replace-back") { event.preventDefault(); load(withCurrentDigest(link.href)); }
  }

  function onSubmit(event) {
    var form = event.target;
    if ((form.method || "get").toLowerCase() === "get") {  // the choices → the confirmation
      event.preventDefault();
      var url = new URL(form.action, window.location.href);
      new FormData(form).forEach(function (value, key) { url.searchParams.append(key, value); });
      load(url.toString());
      return;
    }
    // The confirmed POST: the browser sends it; a second click sends nothing.
    if (form.dataset.busy === "1") { event.preventDefault(); return; }
    form.dataset.busy = "1";
    form.classList.add("is-working");
    var text = form.querySelector(".progress-text");
    if (text && form.dataset.progressText) { text.textContent = form.dataset.progressText; }
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      b.setAttribute("aria-busy", "true");
      window.setTimeout(function () { b.disabled = true; }, 0);
    });
  }

  button.addEventListener("click", function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    load(withCurrentDigest(button.href));
  });
  // Back to the preview from the result page: no dialog left open or busy.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { close(); } });
})();
