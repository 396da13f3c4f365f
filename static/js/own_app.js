// Copy buttons on the own-app pages (progressive enhancement: the text is selectable anyway).
(function () {
  "use strict";
  // A refused Client ID: the error summary at the top takes focus (its link leads to the field).
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button.copy-button[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.dataset.copyTarget);
    if (!target) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = "Copied";
        window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
      }, function () {
        button.textContent = "Select and copy";
      });
    });
  });
})();
