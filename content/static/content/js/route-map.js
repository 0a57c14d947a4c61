/* The `routeStops` step of Xenagos maps (gis.maps; content.route_context.route_map): a route's stops as numbered
 * markers (a DivIcon drawn with CSS, no image that could fail to load), each a link to its place's page when it has
 * one. Names and labels are written with textContent and attributes, never as HTML. Loaded before gis/leaflet-map.js,
 * which runs the steps.
 * The `routeProfileSync` step ties the map to the elevation chart (route-profile.js) through `xenagos.routeSync`:
 * `markMap(i)` puts a marker on the profile's station i (its lon/lat come with the profile, from the server), and
 * the pointer over the line (mouse, or a tap) calls `markProfile(i)` with the station nearest to it on screen. */
(function () {
  "use strict";
  var xenagos = (window.xenagos = window.xenagos || {});
  var steps = (xenagos.mapSteps = xenagos.mapSteps || {});

  steps.routeStops = function (map, step) {
    step.stops.forEach(function (stop) {
      var icon = L.divIcon({ className: "route-stop-icon", html: "", iconSize: [30, 30], iconAnchor: [15, 15] });
      var marker = L.marker(stop.latlng, { icon: icon, title: stop.label, alt: stop.label, keyboard: false });
      marker.addTo(map);
      var element = marker.getElement();
      var inner = document.createElement(stop.url ? "a" : "span");
      inner.className = "route-stop-number";
      inner.textContent = String(stop.number);
      inner.setAttribute("aria-label", stop.label);
      inner.setAttribute("title", stop.label);
      if (stop.url) inner.href = stop.url;
      element.removeAttribute("tabindex");
      element.removeAttribute("role");
      element.setAttribute("data-stop", String(stop.number));
      element.appendChild(inner);
    });
  };

  var sync = (xenagos.routeSync = xenagos.routeSync || {});
  var NEAR_LINE_PX = 24; // the pointer marks the profile when the line's nearest station is this close on screen

  steps.routeProfileSync = function (map, step) {
    var stations = JSON.parse(document.getElementById(step.dataId).textContent).stations;
    var marker = L.circleMarker([stations[0][3], stations[0][2]], {
      radius: 8, weight: 3, color: "#fff", fillColor: "#b3261e", fillOpacity: 1, interactive: false,
      className: "route-profile-marker"
    });
    var points = null; // the stations in layer pixels, which change with the zoom only
    map.on("zoomend viewreset", function () { points = null; });

    function nearest(layerPoint) {
      if (!points) points = stations.map(function (s) { return map.latLngToLayerPoint([s[3], s[2]]); });
      var best = -1, bestSquared = NEAR_LINE_PX * NEAR_LINE_PX;
      for (var i = 0; i < points.length; i++) {
        var dx = points[i].x - layerPoint.x, dy = points[i].y - layerPoint.y, squared = dx * dx + dy * dy;
        if (squared <= bestSquared) { best = i; bestSquared = squared; }
      }
      return best;
    }

    // DOM events of the map's container, so that the pointer over a stop's marker counts too.
    L.DomEvent.on(map.getContainer(), "mousemove click", function (event) {
      var i = nearest(map.mouseEventToLayerPoint(event));
      if (i >= 0 && sync.markProfile) sync.markProfile(i);
    });

    sync.map = map;
    sync.marker = marker;
    sync.markMap = function (i) {
      if (i === null || i < 0) { marker.remove(); return; }
      marker.setLatLng([stations[i][3], stations[i][2]]);
      if (!map.hasLayer(marker)) marker.addTo(map);
    };
  };
})();
