"use strict";
// Copy buttons: the text to copy lives in the element the button names, never in the
// script, so nothing from the report is ever evaluated as code.
(function () {
  var status = document.getElementById("copy-status");

  function announce(button, text) {
    var label = button.getAttribute("data-label");
    button.textContent = text;
    button.classList.add("done");
    if (status) { status.textContent = text; }
    window.setTimeout(function () {
      button.textContent = label;
      button.classList.remove("done");
    }, 1600);
  }

  function copyBySelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(area);
    return copied;
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.textContent;
    var done = function () { announce(button, "Copied"); };
    var fallback = function () {
      announce(button, copyBySelection(text) ? "Copied" : "Select and copy by hand");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  var buttons = document.querySelectorAll("button.copy");
  for (var i = 0; i < buttons.length; i++) {
    var button = buttons[i];
    button.setAttribute("data-label", button.textContent);
    button.hidden = false;
    button.addEventListener("click", function (event) { copy(event.currentTarget); });
  }
})();
