/* The `routes` step of Xenagos maps (gis.route_map): routes fetched from the map data endpoint (gis.views.routes)
 * with the map's zoom, so the server sends lines simplified for it, and asked again after each zoom. Each line shows
 * its route's name in a tooltip (written as text, never HTML) and opens the route's page when clicked; the list
 * beside the map is the keyboard and screen-reader equivalent. The map element gets `data-routes-drawn` (the number
 * of lines drawn) once they are. Loaded before gis/leaflet-map.js, which runs the steps. */
(function () {
  "use strict";
  var xenagos = (window.xenagos = window.xenagos || {});
  var steps = (xenagos.mapSteps = xenagos.mapSteps || {});

  steps.routes = function (map, step) {
    var element = map.getContainer();
    var layer = L.geoJson(null, {
      style: function () { return Object.assign({ className: "xenagos-route-line" }, step.style); },
      onEachFeature: function (feature, line) {
        var props = feature.properties || {};
        var label = L.DomUtil.create("span");
        label.textContent = props.name || "";
        line.bindTooltip(label, { sticky: true });
        if (props.url) line.on("click", function () { window.location.assign(props.url); });
      }
    });
    var asked = null;
    function load() {
      var zoom = map.getZoom();
      if (zoom === asked) return;
      asked = zoom;
      var url = step.endpoint + "?" + (step.query ? step.query + "&" : "") + "zoom=" + zoom;
      fetch(url, { headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("routes: " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (asked !== zoom) return;  // a later zoom has asked again
          layer.clearLayers();
          layer.addData(data);
          element.setAttribute("data-routes-drawn", String(data.features.length));
        });
    }
    layer.on("add", function () { asked = null; load(); });
    map.on("zoomend", function () { if (map.hasLayer(layer)) load(); });
    if (step.show) layer.addTo(map);
    return { name: step.name, layer: layer };
  };
})();
