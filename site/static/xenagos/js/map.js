/* Xenagos map helpers, called from the folium-generated script. No globals besides `xenagos`. */
(function () {
  "use strict";
  var xenagos = (window.xenagos = window.xenagos || {});

  /** Give a place marker its accessible name and a popup built from text nodes (never HTML strings). */
  xenagos.bindPlacePopup = function (feature, layer) {
    var name = (feature.properties && feature.properties.name) || "";
    if (layer.options) {
      layer.options.alt = name;
      layer.options.title = name;
    }
    var popup = document.createElement("div");
    popup.className = "place-popup";
    var heading = document.createElement("strong");
    heading.textContent = name;
    popup.appendChild(heading);
    layer.bindPopup(popup);
  };
})();
