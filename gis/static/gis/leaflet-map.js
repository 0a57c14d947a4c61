/* Xenagos maps from their JSON configuration (gis.maps): each element with `data-xenagos-map` gets a Leaflet map
 * built from the <script type="application/json" id="<element id>-config"> of the page, whose steps run in order.
 * The steps of other scripts register themselves in `xenagos.mapSteps` (the places layer in xenagos/js/map.js, the
 * historical-map overlays in tiles/js/overlays.js); this file comes after them and builds the maps when it runs
 * (or, loaded in the head, once the page is parsed).
 * Feature properties shown in popups and tooltips are written with textContent, never as HTML. */
(function () {
  "use strict";
  var xenagos = (window.xenagos = window.xenagos || {});
  var steps = (xenagos.mapSteps = xenagos.mapSteps || {});

  // A feature's properties, one table row each (folium's look: the class names are its).
  function details(fields) {
    return function (layer) {
      var box = L.DomUtil.create("div");
      var table = L.DomUtil.create("table", "", box);
      fields.forEach(function (name) {
        var value = layer.feature.properties[name];
        if (value === null || value === undefined) value = "";
        else if (typeof value === "object") value = JSON.stringify(value);
        L.DomUtil.create("td", "", L.DomUtil.create("tr", "", table)).textContent = String(value);
      });
      return box;
    };
  }

  steps.tiles = function (map, step, built) {
    var layer = L.tileLayer(step.url, step.options);
    if (step.show) layer.addTo(map);
    (step.overlay ? built.overlays : built.baseLayers)[step.name] = layer;
    if (step.key) built.layers[step.key] = layer;
  };

  steps.geojson = function (map, step) {
    var byValue = step.styleBy;
    function style(feature) {
      var own = byValue && feature.properties ? byValue.values[feature.properties[byValue.property]] : null;
      return L.extend({}, step.style, own || {});
    }
    var options = { style: style };
    if (!step.interactive) options.interactive = false;
    if (step.circleMarkers) {
      options.pointToLayer = function (feature, latlng) {
        return L.circleMarker(latlng, L.extend({}, step.circleMarkers, style(feature)));
      };
    }
    var layer = L.geoJson(step.data, options);
    if (step.popupFields.length) layer.bindPopup(details(step.popupFields), { className: "foliumpopup" });
    if (step.tooltipFields.length) {
      layer.bindTooltip(details(step.tooltipFields), { sticky: true, className: "foliumtooltip" });
    }
    layer.addTo(map);
    return step.control ? { name: step.name, layer: layer } : null;
  };

  steps.marker = function (map, step) {
    L.marker(step.latlng, step.options).addTo(map);
  };

  steps.pane = function (map, step) {
    var pane = map.createPane(step.name);
    pane.style.zIndex = step.zIndex;
    if (!step.pointerEvents) pane.style.pointerEvents = "none";
  };

  steps.fitBounds = function (map, step) {
    map.fitBounds(step.bounds, step.options);
  };

  steps.layerControl = function (map, step, built) {
    L.control.layers(built.baseLayers, built.overlays, step.options).addTo(map);
  };

  xenagos.mapBuild = function (element, config) {
    L.Icon.Default.mergeOptions(config.icon);
    xenagos.leafletLabels(config.labels);
    var map = L.map(element.id, {
      center: config.center, crs: L.CRS.EPSG3857, zoom: config.zoom, zoomControl: true, preferCanvas: false
    });
    if (config.scale) L.control.scale().addTo(map);
    var built = { baseLayers: {}, overlays: {}, layers: {} };
    config.steps.forEach(function (step) {
      var run = steps[step.type];
      if (!run) throw new Error("xenagos map: no step '" + step.type + "'");
      var overlay = run(map, step, built);
      if (overlay) built.overlays[overlay.name] = overlay.layer;
    });
    return map;
  };

  // The maps already in the page (this script at the end of the body), else those parsed later (in the head).
  function start() {
    document.querySelectorAll("[data-xenagos-map]:not([data-xenagos-built])").forEach(function (element) {
      var config = document.getElementById(element.id + "-config");
      if (!config) return;
      element.setAttribute("data-xenagos-built", "");
      xenagos.mapBuild(element, JSON.parse(config.textContent));
    });
  }
  start();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
})();
