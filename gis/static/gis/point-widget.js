/* The place form's map: click to place the point, drag to move it; the latitude/longitude inputs follow the
 * marker and the marker follows the inputs. Greek Grid coordinates are converted on the server when saving. */
(function () {
  "use strict";

  function start(widget) {
    if (widget.dataset.started) return;
    widget.dataset.started = "1";
    var latInput = widget.querySelector("[data-point-lat]");
    var lonInput = widget.querySelector("[data-point-lon]");
    // Leaflet guesses its marker images' folder, which collected (hashed) file names defeat: use the given URLs.
    if (widget.dataset.leafletIcons) L.Icon.Default.mergeOptions(JSON.parse(widget.dataset.leafletIcons));
    if (window.xenagos && widget.dataset.leafletLabels) xenagos.leafletLabels(JSON.parse(widget.dataset.leafletLabels));
    var map = L.map(widget.querySelector(".point-widget__map"));
    widget.pointMap = map; // for scripts and tests that need the Leaflet map
    L.tileLayer(widget.dataset.tiles, { attribution: widget.dataset.attribution, maxZoom: 19 }).addTo(map);
    var marker = null;

    function typed() {
      var lat = parseFloat(latInput.value.replace(",", "."));
      var lon = parseFloat(lonInput.value.replace(",", "."));
      return isNaN(lat) || isNaN(lon) ? null : L.latLng(lat, lon);
    }

    function place(latlng, fromInputs) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: true, title: "", alt: "" }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), false); });
      } else {
        marker.setLatLng(latlng);
      }
      if (!fromInputs) {
        latInput.value = latlng.lat.toFixed(7);
        lonInput.value = latlng.lng.toFixed(7);
      }
    }

    // The editor's municipalities (GeoJSON in the page, EPSG:4326): drawn, and the view of a new place.
    var outline = null;
    var outlineData = widget.dataset.outline && document.getElementById(widget.dataset.outline);
    if (outlineData) {
      outline = L.geoJSON(JSON.parse(outlineData.textContent), {
        interactive: false, // clicks go through to the map
        style: { color: "#1d4ed8", weight: 2, dashArray: "6 4", fill: false },
      }).addTo(map);
      widget.pointOutline = outline;
    }
    var start = typed();
    if (start) { place(start, true); map.setView(start, 16); }
    else if (outline && outline.getBounds().isValid()) { map.fitBounds(outline.getBounds()); }
    else { map.setView([38.2, 23.8], 6); }
    map.on("click", function (event) { place(event.latlng, false); });
    [latInput, lonInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var latlng = typed();
        if (latlng) { place(latlng, true); map.panTo(latlng); }
      });
    });
  }

  function startAll() { document.querySelectorAll("[data-point-widget]").forEach(start); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
  else startAll();
})();
