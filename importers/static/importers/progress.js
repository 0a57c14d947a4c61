// Import progress: polls the run's status and opens the next page (the file's facts after the inspection of an
// upload, else the report) when the background task has finished.
(function () {
  "use strict";
  var box = document.querySelector("[data-importers-status-url]");
  if (!box) return;
  var bar = box.querySelector("[data-importers-progress]");
  var label = box.querySelector("[data-importers-label]");
  var stage = box.querySelector("[data-importers-stage]");
  var count = box.querySelector("[data-importers-count]");
  function poll() {
    fetch(box.getAttribute("data-importers-status-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.value = state.percent;
        bar.textContent = state.percent + "%";
        label.textContent = state.label;
        stage.textContent = state.stage;
        count.textContent = state.done + " / " + state.total;
        if (state.finished) {
          window.location.assign(state.next_url || state.report_url);
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
