/* Leaflet's own control texts (zoom buttons, layer switcher, popup close button, attribution prefix) in the page's
 * language. Leaflet has them in English only; `xenagos.leafletLabels(labels)` sets them before a map is made, with
 * labels translated on the server (gis.maps.leaflet_labels). Idempotent: a page with two maps calls it twice. */
(function () {
  "use strict";
  var xenagos = (window.xenagos = window.xenagos || {});
  var current = null;
  var patched = false;

  xenagos.leafletLabels = function (labels) {
    if (!labels || typeof L === "undefined") return;
    current = labels;
    L.Control.Zoom.prototype.options.zoomInTitle = labels.zoomIn;
    L.Control.Zoom.prototype.options.zoomOutTitle = labels.zoomOut;
    var leaflet = document.createElement("a");
    leaflet.href = "https://leafletjs.com";
    leaflet.title = labels.leaflet;
    leaflet.textContent = "Leaflet";
    L.Control.Attribution.prototype.options.prefix = leaflet.outerHTML;
    if (patched) return;
    patched = true;
    // The layer switcher's toggle and the popup's close button have their English text written in _initLayout.
    var layersLayout = L.Control.Layers.prototype._initLayout;
    L.Control.Layers.include({
      _initLayout: function () {
        layersLayout.call(this);
        this._layersLink.title = current.layers;
        this._layersLink.setAttribute("aria-label", current.layers);
      }
    });
    var popupLayout = L.Popup.prototype._initLayout;
    L.Popup.include({
      _initLayout: function () {
        popupLayout.call(this);
        if (this._closeButton) this._closeButton.setAttribute("aria-label", current.closePopup);
      }
    });
  };
})();
