/* The archive item's zoomable images: OpenSeadragon over the IIIF info.json of each image whose tile set is ready
   (data-iiif-info), one at a time; the plain images stay until the tiles are open (and stay alone when this does
   not run, or when no image is ready; an image whose tiles are not ready yet stays plain below the viewer). Keyboard: OpenSeadragon's own (+/- zoom, arrows pan, 0 home) on its focusable
   canvas, named by the image's alternative text; buttons zoom in, zoom out, show the whole image and go to the
   previous or next image, for a single pointer and for anyone who does not know the keys. */
(function () {
  "use strict";
  document.querySelectorAll("[data-archive-viewer]").forEach(function (figure) {
    var element = figure.querySelector(".archive-viewer__zoom");
    var sources = Array.prototype.slice.call(figure.querySelectorAll("[data-iiif-info]"));
    if (!element || !sources.length || typeof OpenSeadragon === "undefined") return;
    var controls = figure.querySelector(".archive-viewer__controls");
    var pageStatus = figure.querySelector("[data-viewer-page]");
    var current = 0;
    element.hidden = false;
    var viewer = OpenSeadragon({
      element: element,
      tileSources: sources.map(function (source) { return source.dataset.iiifInfo; }),
      sequenceMode: sources.length > 1,
      showNavigationControl: false,
      showSequenceControl: false,
      visibilityRatio: 1,
      minZoomImageRatio: 1,
      maxZoomPixelRatio: 2
    });
    element.viewer = viewer; // for the browser tests
    viewer.canvas.setAttribute("role", "img");
    function shown(number) {
      current = number;
      var source = sources[number];
      viewer.canvas.setAttribute("aria-label", source.dataset.alt + ". " + element.dataset.label);
      sources.forEach(function (other) {
        var caption = other.querySelector(".archive-viewer__caption");
        if (caption) caption.hidden = other !== source;
      });
      if (pageStatus) {
        pageStatus.textContent = pageStatus.dataset.template
          .replace("{number}", String(number + 1))
          .replace("{total}", String(sources.length));
      }
    }
    viewer.addOnceHandler("open", function () {
      sources.forEach(function (source) {
        var image = source.querySelector(".archive-viewer__image");
        if (image) image.hidden = true;
      });
      controls.hidden = false;
      if (sources.length > 1) figure.querySelector("[data-viewer-pages]").hidden = false;
      shown(0);
    });
    viewer.addHandler("page", function (event) { shown(event.page); });
    viewer.addOnceHandler("open-failed", function () {
      element.hidden = true;
    });
    controls.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-viewer]");
      if (!button) return;
      var action = button.dataset.viewer;
      if (action === "in" || action === "out") {
        viewer.viewport.zoomBy(action === "in" ? 1.5 : 1 / 1.5);
        viewer.viewport.applyConstraints();
      } else if (action === "home") {
        viewer.viewport.goHome();
      } else if (action === "next" || action === "previous") {
        var step = action === "next" ? 1 : -1;
        viewer.goToPage((current + step + sources.length) % sources.length);
      }
    });
  });
})();
