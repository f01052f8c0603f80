// notes.js shows the narration the main pop3lab window broadcasts, for an
// instructor's second screen. Text only: narration never becomes HTML.
(function () {
  "use strict";
  var box = document.getElementById("notes");
  if (typeof BroadcastChannel !== "function") {
    box.textContent = "This browser cannot pass notes between windows.";
    return;
  }
  new BroadcastChannel("pop3lab-notes").onmessage = function (ev) {
    box.textContent = String(ev.data);
  };
})();
