/* The `archive` step of Xenagos maps (gis.archive_map): the municipality's located archive items, inlined, as one
 * overlay of the layer switcher: points in clusters of their own (as the places are clustered), areas drawn as
 * outlines. Each item has a popup with its title, type and date and a link to its page; a marker is reachable with
 * the keyboard (Tab, then Enter opens the popup and focuses it, Escape closes it: xenagos.keyboardPopup). Texts are
 * written with textContent, never as HTML. The map element gets `data-archive-drawn` (the number of items drawn).
 * Loaded before gis/leaflet-map.js, which runs the steps. */
(function () {
  "use strict";
  var xenagos = (window.xenagos = window.xenagos || {});
  var steps = (xenagos.mapSteps = xenagos.mapSteps || {});

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function popupFor(feature, labels) {
    var props = feature.properties || {};
    var title = "archive-popup-title-" + feature.id;
    var box = element("div", { "class": "archive-popup", role: "dialog", "aria-labelledby": title, tabindex: "-1" });
    box.appendChild(element("strong", { id: title }, props.title || labels.item));
    var about = [props.type, props.date].filter(function (value) { return value; }).join(", ");
    if (about) box.appendChild(element("p", { "class": "archive-popup-about" }, about));
    box.appendChild(element("p")).appendChild(element("a", { href: props.url }, labels.open));
    return box;
  }

  steps.archive = function (map, step) {
    var group = L.featureGroup();
    var points = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 50,
      iconCreateFunction: function (cluster) {  // the places' look, with a class of its own (and a teal ring)
        var count = cluster.getChildCount();
        var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
        return L.divIcon({
          className: "marker-cluster marker-cluster-" + size + " xenagos-archive-cluster",
          html: "<div><span>" + Number(count) + "</span></div>", iconSize: L.point(40, 40)
        });
      }
    });
    var drawn = 0;
    step.data.features.forEach(function (feature) {
      var layer;
      if (feature.geometry.type === "Point") {
        var name = (feature.properties && feature.properties.title) || step.labels.item;
        var coordinates = feature.geometry.coordinates;
        layer = L.marker([coordinates[1], coordinates[0]], {
          title: name, alt: name, keyboard: true,
          icon: L.divIcon({ className: "xenagos-archive-marker", iconSize: L.point(22, 22), html: "<span></span>" })
        });
        layer.bindPopup(popupFor(feature, step.labels));
        if (xenagos.keyboardPopup) xenagos.keyboardPopup(map, layer);
        points.addLayer(layer);
      } else {
        layer = L.geoJson(feature, {
          style: function () { return L.extend({ className: "xenagos-archive-area" }, step.style); }
        });
        layer.bindPopup(popupFor(feature, step.labels));
        group.addLayer(layer);
      }
      drawn += 1;
    });
    group.addLayer(points);
    group.addTo(map);
    map.getContainer().setAttribute("data-archive-drawn", String(drawn));
    return { name: step.name, layer: group };
  };
})();
