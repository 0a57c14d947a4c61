/* "Cite this" on an archive item's page: a Copy button beside each citation. Without JavaScript the buttons stay
 * hidden and the citations are read-only text areas a visitor selects and copies. */
(function () {
  "use strict";
  var status = document.querySelector(".cite .copied");
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      function done() {
        if (status) status.textContent = status.getAttribute("data-copied-text");
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(source.value).then(done, function () {
          source.select();
        });
      } else {
        source.select();
        if (document.execCommand && document.execCommand("copy")) done();
      }
    });
  });
})();
