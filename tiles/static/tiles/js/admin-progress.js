/* Wagtail admin: refresh the build status and progress bar of raster layers while their builds run. */
(function () {
  "use strict";
  var RUNNING = { queued: true, building: true };

  function poll(box) {
    fetch(box.getAttribute("data-tiles-status-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        box.setAttribute("data-tiles-status", data.status);
        var label = box.querySelector("[data-tiles-status-label]");
        var bar = box.querySelector("[data-tiles-progress]");
        var message = box.querySelector("[data-tiles-message]");
        if (label) label.textContent = data.status_label;
        if (bar) { bar.value = data.progress; bar.textContent = data.progress + "%"; }
        if (message) message.textContent = data.message;
        if (RUNNING[data.status]) window.setTimeout(function () { poll(box); }, 2000);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-tiles-status-url]").forEach(function (box) {
      if (RUNNING[box.getAttribute("data-tiles-status")]) poll(box);
    });
  });
})();
