// Listen in place: a track's play control opens Spotify's embed player for it under the track
// (one player at a time; no frame until asked). Without JavaScript the control is a link to
// the track on Spotify.
(function () {
  "use strict";
  function close(player) {
    var row = player.closest("li.track");
    var control = row && row.querySelector(".play-button");
    if (control) {
      control.setAttribute("aria-expanded", "false");
      control.setAttribute("aria-label", control.dataset.playLabel);
    }
    player.remove();
  }
  document.addEventListener("click", function (event) {
    var control = event.target.closest && event.target.closest("#tracks .play-button");
    if (!control || !control.dataset.embed) { return; }
    event.preventDefault();
    var row = control.closest("li.track");
    var open = row.querySelector(".track-player");
    document.querySelectorAll("#tracks .track-player").forEach(close);
    if (open) { control.focus(); return; }  // the same control again: closed
    var title = row.querySelector(".title").textContent;
    var player = document.createElement("div");
    player.className = "track-player";
    var frame = document.createElement("iframe");
    frame.src = control.dataset.embed;
    frame.title = "Spotify player: " + title;
    frame.setAttribute("allow", "encrypted-media; clipboard-write");
    frame.setAttribute("loading", "lazy");
    player.appendChild(frame);
    row.appendChild(player);
    control.dataset.playLabel = control.dataset.playLabel || control.getAttribute("aria-label");
    control.setAttribute("role", "button");
    control.setAttribute("aria-expanded", "true");
    control.setAttribute("aria-label", "Close the player for " + title);
  });
  // A button answers Space as well as Enter.
  document.addEventListener("keydown", function (event) {
    var control = event.target.closest && event.target.closest("#tracks .play-button");
    if (control && event.key === " ") { event.preventDefault(); control.click(); }
  });
  // Give the link its button role up front, so its role does not change when pressed.
  function asButtons() {
    document.querySelectorAll("#tracks .play-button").forEach(function (control) {
      control.setAttribute("role", "button");
      control.setAttribute("aria-expanded", "false");
      control.removeAttribute("target");
    });
  }
  asButtons();
  new MutationObserver(asButtons).observe(document.getElementById("main"), {childList: true, subtree: false});
})();
