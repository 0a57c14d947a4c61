// The archive list's filters: open on a wide screen (beside the results, their button hidden) and, without
// JavaScript, everywhere; on a phone they are folded behind their "Filters" button at first, so that the results
// come first, unless a filter is chosen. Widening the window opens them again (their button is hidden there).
(function () {
  var filters = document.querySelector("[data-archive-filters]");
  if (!filters) return;
  var wide = window.matchMedia("(min-width: 40.01rem)");
  if (!wide.matches && !filters.querySelector("a.chosen")) filters.open = false;
  wide.addEventListener("change", function () {
    if (wide.matches) filters.open = true;
  });
})();
