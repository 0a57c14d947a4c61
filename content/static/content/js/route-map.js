/* The `routeStops` step of Xenagos maps (gis.maps; content.route_context.route_map): a route's stops as numbered
 * markers (a DivIcon drawn with CSS, no image that could fail to load), each a link to its place's page when it has
 * one. Names and labels are written with textContent and attributes, never as HTML. Loaded before gis/leaflet-map.js,
 * which runs the steps. */
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
})();
