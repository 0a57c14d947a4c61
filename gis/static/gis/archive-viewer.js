/* The archive item's zoomable image: OpenSeadragon over the IIIF info.json named by data-iiif-info; the plain
   image stays until the tiles are open (and stays alone when this does not run). Keyboard: OpenSeadragon's own
   (+/- zoom, arrows pan, 0 home) on its focusable canvas, named by the image's alternative text. */
(function () {
  "use strict";
  document.querySelectorAll("[data-iiif-info]").forEach(function (element) {
    var figure = element.closest("figure");
    var plain = figure && figure.querySelector(".archive-viewer__image");
    element.hidden = false;
    var viewer = OpenSeadragon({
      element: element,
      tileSources: element.dataset.iiifInfo,
      showNavigationControl: false,
      visibilityRatio: 1,
      minZoomImageRatio: 1,
      maxZoomPixelRatio: 2
    });
    element.viewer = viewer; // for the browser tests
    viewer.canvas.setAttribute("role", "img");
    viewer.canvas.setAttribute("aria-label", element.dataset.alt + ". " + element.dataset.label);
    viewer.addOnceHandler("open", function () {
      if (plain) plain.hidden = true;
    });
    viewer.addOnceHandler("open-failed", function () {
      element.hidden = true;
    });
  });
})();
