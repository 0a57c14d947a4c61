/* A place page's "then and now": the range input moves the line between the old photograph and the photo of today
 * (CSS --pos, from the left: how much of the old photograph shows) and says where it is (aria-valuetext: both
 * dates and their shares). The arrow keys move it by 5 %, Home and End to the ends (the browser's own). Without
 * JavaScript the input stays hidden and the two photos stand side by side. */
(function () {
  "use strict";
  var KEY_STEP = 5;
  var KEYS = { ArrowLeft: -KEY_STEP, ArrowDown: -KEY_STEP, ArrowRight: KEY_STEP, ArrowUp: KEY_STEP };
  var percent = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "percent" });
  document.querySelectorAll("[data-then-now]").forEach(function (figure) {
    var range = figure.querySelector(".then-now__range");
    var stage = figure.querySelector(".then-now__stage");
    if (!range || !stage) return;
    function show() {
      var value = Number(range.value);
      stage.style.setProperty("--pos", value + "%");
      range.setAttribute(
        "aria-valuetext",
        figure.dataset.thenDate + " " + percent.format(value / 100) + ", " +
          figure.dataset.nowDate + " " + percent.format((100 - value) / 100)
      );
    }
    range.addEventListener("input", show);
    range.addEventListener("keydown", function (event) {
      var delta = KEYS[event.key];
      if (!delta) return;
      event.preventDefault();
      range.value = String(Math.min(100, Math.max(0, Number(range.value) + delta)));
      show();
    });
    figure.querySelectorAll("[data-then-now-live]").forEach(function (element) {
      element.hidden = false;
    });
    figure.classList.add("then-now--live");
    show();
  });
})();
