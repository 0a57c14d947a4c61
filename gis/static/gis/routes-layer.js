/* The `routes` step of Xenagos maps (gis.route_map): routes fetched from the map data endpoint (gis.views.routes)
 * with the map's zoom, so the server sends lines simplified for it, and asked again after each zoom; from
 * `viewFromZoom` on (streets) only for the area around the view (`view`, clipped by the server), asked again when the
 * map leaves it. Each line shows its route's name in a tooltip (written as text, never HTML) and opens the route's
 * page when clicked; the list beside the map is the keyboard and screen-reader equivalent. The map element gets
 * `data-routes-drawn` (the number of lines drawn) once they are. Loaded before gis/leaflet-map.js, which runs the steps. */
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
    var asked = null;  // the last request's key: its zoom, and its view from step.viewFromZoom on
    var covered = null;  // the area (L.LatLngBounds) the last request's lines were clipped to, or null for all
    function around(zoom) {
      // the view padded by half its size, widened to whole 256-pixel tiles of this zoom (Leaflet's projection)
      var bounds = map.getBounds().pad(0.5);
      var low = map.project(bounds.getSouthWest(), zoom).divideBy(256);
      var high = map.project(bounds.getNorthEast(), zoom).divideBy(256);
      var southWest = map.unproject(L.point(Math.floor(low.x), Math.ceil(low.y)).multiplyBy(256), zoom);
      var northEast = map.unproject(L.point(Math.ceil(high.x), Math.floor(high.y)).multiplyBy(256), zoom);
      return L.latLngBounds(southWest, northEast);
    }
    function load() {
      var zoom = map.getZoom();
      var part = null;
      if (step.viewFromZoom != null && zoom >= step.viewFromZoom) {
        if (asked !== null && asked.zoom === zoom && covered && covered.contains(map.getBounds())) return;
        part = around(zoom);
      } else if (asked !== null && asked.zoom === zoom && covered === null) {
        return;
      }
      var view = part && [part.getWest(), part.getSouth(), part.getEast(), part.getNorth()]
        .map(function (degrees) { return degrees.toFixed(6); }).join(",");
      var key = { zoom: zoom, view: view };
      asked = key;
      covered = part;
      var url = step.endpoint + "?" + (step.query ? step.query + "&" : "") + "zoom=" + zoom +
        (view ? "&view=" + view : "");
      fetch(url, { headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("routes: " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (asked !== key) return;  // a later zoom or view has asked again
          layer.clearLayers();
          layer.addData(data);
          element.setAttribute("data-routes-drawn", String(data.features.length));
        });
    }
    layer.on("add", function () { asked = null; covered = null; load(); });
    map.on("moveend", function () { if (map.hasLayer(layer)) load(); });
    if (step.show) layer.addTo(map);
    return { name: step.name, layer: layer };
  };
})();
