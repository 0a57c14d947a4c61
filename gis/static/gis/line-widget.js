/* The route form's line: each click on the map adds a point at the end of the line's last part; "Start a new
 * part" begins another part (a MultiLineString walked in order); the GeoJSON text area below the map follows the
 * drawing and the drawing follows the text area, so the line can be typed, pasted or corrected by keyboard. */
(function () {
  "use strict";

  function start(widget) {
    if (widget.dataset.started) return;
    widget.dataset.started = "1";
    var text = widget.querySelector("[data-line-geojson]");
    var status = widget.querySelector("[data-line-status]");
    var labels = widget.dataset.leafletLabels ? JSON.parse(widget.dataset.leafletLabels) : {};
    if (window.xenagos && xenagos.leafletLabels) xenagos.leafletLabels(labels);
    var map = L.map(widget.querySelector(".point-widget__map"));
    widget.lineMap = map; // for scripts and tests that need the Leaflet map
    L.tileLayer(widget.dataset.tiles, { attribution: widget.dataset.attribution, maxZoom: 19 }).addTo(map);
    var parts = [];  // [[[lon, lat], ...], ...]
    var drawn = L.polyline([], { color: "#b45309", weight: 4 }).addTo(map);
    var ends = L.layerGroup().addTo(map);

    function read() {
      var value = text.value.trim();
      if (!value) return [];
      try {
        var geometry = JSON.parse(value);
        if (geometry.type === "Feature") geometry = geometry.geometry;
        if (geometry.type === "LineString") return [geometry.coordinates];
        if (geometry.type === "MultiLineString") return geometry.coordinates;
      } catch (error) { /* the server explains what is wrong on saving */ }
      return null;
    }

    function write() {
      var used = parts.filter(function (part) { return part.length; });
      text.value = used.length ? JSON.stringify({ type: "MultiLineString", coordinates: used }) : "";
    }

    function draw() {
      drawn.setLatLngs(parts.map(function (part) {
        return part.map(function (xy) { return [xy[1], xy[0]]; });
      }));
      ends.clearLayers();
      var points = parts.reduce(function (all, part) { return all.concat(part); }, []);
      if (points.length) {
        var first = points[0], last = points[points.length - 1];
        L.circleMarker([first[1], first[0]], { radius: 6, color: "#166534", fillOpacity: 1 }).addTo(ends);
        L.circleMarker([last[1], last[0]], { radius: 6, color: "#991b1b", fillOpacity: 1 }).addTo(ends);
      }
      status.textContent = status.dataset.template
        .replace("{points}", points.length)
        .replace("{parts}", parts.filter(function (p) { return p.length; }).length);
    }

    function round(value) { return Math.round(value * 1e7) / 1e7; }

    map.on("click", function (event) {
      if (!parts.length) parts.push([]);
      parts[parts.length - 1].push([round(event.latlng.lng), round(event.latlng.lat)]);
      write(); draw();
    });
    widget.querySelector("[data-line-undo]").addEventListener("click", function () {
      if (!parts.length) return;
      var last = parts[parts.length - 1];
      last.pop();
      if (!last.length) parts.pop();
      write(); draw();
    });
    widget.querySelector("[data-line-part]").addEventListener("click", function () {
      if (parts.length && parts[parts.length - 1].length) parts.push([]);
    });
    widget.querySelector("[data-line-clear]").addEventListener("click", function () {
      parts = []; write(); draw();
    });
    text.addEventListener("change", function () {
      var read_ = read();
      if (read_ === null) return;
      parts = read_; draw();
      if (drawn.getBounds().isValid()) map.fitBounds(drawn.getBounds(), { padding: [20, 20] });
    });

    var outline = null;
    var outlineData = widget.dataset.outline && document.getElementById(widget.dataset.outline);
    if (outlineData) {
      outline = L.geoJSON(JSON.parse(outlineData.textContent), {
        interactive: false,
        style: { color: "#1d4ed8", weight: 2, dashArray: "6 4", fill: false },
      }).addTo(map);
    }
    parts = read() || [];
    draw();
    if (drawn.getBounds().isValid()) map.fitBounds(drawn.getBounds(), { padding: [20, 20] });
    else if (outline && outline.getBounds().isValid()) map.fitBounds(outline.getBounds());
    else map.setView([38.2, 23.8], 6);
  }

  function startAll() { document.querySelectorAll("[data-line-widget]").forEach(start); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
  else startAll();
})();
