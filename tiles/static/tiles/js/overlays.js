/* Xenagos raster overlays: the map's "overlays" step (tiles.maps, built by gis/leaflet-map.js) calls
 * `xenagos.tileOverlays(map, {name: layer}, config)` with the overlay tile layers its earlier steps made.
 * The overlay tile layers live in their own map pane; Leaflet.Control.Opacity gives each a slider, and
 * leaflet-compare clips the whole pane to one side of a divider ("swipe") to compare the old map with today's.
 * Names reach the plugins already HTML-escaped (they put them in innerHTML). */
(function () {
  "use strict";
  var xenagos = (window.xenagos = window.xenagos || {});

  // leaflet-compare 1.0.1 listens to the map's "layeradd layerremove" with a method it does not define: Leaflet
  // warns, and on removal `map.off(types, undefined)` would drop every listener of those events (the attribution
  // control's among them). Give it the method it expects.
  if (L.Control.Compare && !L.Control.Compare.prototype._updateLayers) {
    L.Control.Compare.prototype._updateLayers = function () {
      return this._updateClip();
    };
  }

  /** A button that turns the swipe on and off. */
  var SwipeToggle = L.Control.extend({
    options: { position: "topright" },

    initialize: function (label, onToggle, options) {
      L.setOptions(this, options);
      this._label = label;
      this._onToggle = onToggle;
    },

    onAdd: function () {
      var container = L.DomUtil.create("div", "leaflet-bar xenagos-swipe-toggle");
      var button = L.DomUtil.create("button", "", container);
      button.type = "button";
      button.textContent = this._label;
      button.setAttribute("aria-pressed", "false");
      L.DomEvent.disableClickPropagation(container);
      L.DomEvent.on(button, "click", function () {
        var on = button.getAttribute("aria-pressed") !== "true";
        button.setAttribute("aria-pressed", on ? "true" : "false");
        this._onToggle(on);
      }, this);
      return container;
    }
  });

  /** A visible button that announces the overlays (they start off) and opens the layer list at the first one. */
  var OverlaysHint = L.Control.extend({
    options: { position: "topright" },

    initialize: function (label, onPress, options) {
      L.setOptions(this, options);
      this._label = label;
      this._onPress = onPress;
    },

    onAdd: function () {
      var container = L.DomUtil.create("div", "leaflet-bar xenagos-overlays-hint");
      var button = L.DomUtil.create("button", "", container);
      button.type = "button";
      button.textContent = this._label;
      button.setAttribute("aria-expanded", "false");
      this._button = button;
      L.DomEvent.disableClickPropagation(container);
      L.DomEvent.on(button, "click", function () { this._onPress(button); }, this);
      return container;
    }
  });

  (xenagos.mapSteps = xenagos.mapSteps || {}).overlays = function (map, step, built) {
    var layers = {};
    // The page's ?layer=<slug> (an archive item's "This map is a layer on the map") turns that overlay on.
    var wanted = new URLSearchParams(window.location.search).get("layer");
    var slugs = step.config.slugs || {};
    Object.keys(step.layers).forEach(function (name) {
      var key = step.layers[name];
      layers[name] = built.layers[key];
      if (wanted && slugs[key] === wanted) layers[name].addTo(map);
    });
    xenagos.tileOverlays(map, layers, step.config);
  };

  xenagos.tileOverlays = function (map, layers, config) {
    var labels = config.labels;
    // Stands for the whole overlay pane in leaflet-compare, which clips `layer.getPane()` of what it is given.
    var pane = L.layerGroup([], { pane: config.pane }).addTo(map);
    var opacity = L.control.opacity(layers, { label: labels.opacity, collapsed: false, position: "topright" });
    opacity.addTo(map);
    L.DomUtil.addClass(opacity.getContainer(), "xenagos-opacity");
    var swipe = null;

    function setSwipe(on) {
      if (on && !swipe) {
        swipe = L.control.compare([pane], [], { position: 0.5 }).addTo(map);
        swipe._range.setAttribute("aria-label", labels.swipe_slider);
        // Leaflet >= 1.8 reports touch support in desktop Chrome, so the plugin waits for touchstart and the map's
        // own drag takes the mouse: keep presses on the slider away from the map (leaflet-side-by-side issue 47).
        L.DomEvent.disableClickPropagation(swipe.getContainer());
      } else if (!on && swipe) {
        swipe.remove();
        swipe = null;
      }
    }

    var swipeToggle = new SwipeToggle(labels.swipe, setSwipe).addTo(map);

    // Only the overlays that are on get an opacity slider (and the swipe): at first none is, and on a phone a
    // panel of sliders for layers nobody chose would cover the map and its zoom buttons.
    function syncControls() {
      var anyOn = false;
      opacity._layerControlInputs.forEach(function (input) {
        var layer = opacity._getLayer(input.layerId).layer;
        var on = map.hasLayer(layer);
        input.closest("label").hidden = !on;
        anyOn = anyOn || on;
      });
      opacity.getContainer().hidden = !anyOn;
      swipeToggle.getContainer().hidden = !anyOn;
      if (!anyOn) setSwipe(false);
    }
    map.on("layeradd layerremove", syncControls);
    syncControls();

    // The layer switcher (the map's layerControl step, before or after this one) lists the overlays, collapsed.
    function switcher() {
      var found = null;
      map.getContainer().querySelectorAll(".leaflet-control-layers").forEach(function (element) {
        var isOpacity = element.classList.contains("xenagos-opacity");  // the sliders reuse the switcher's classes
        if (!found && !isOpacity && element.querySelector(".leaflet-control-layers-overlays")) found = element;
      });
      return found;
    }
    var decoder = document.createElement("textarea");
    var names = Object.keys(layers).map(function (name) {  // the names as the switcher shows them (unescaped)
      decoder.innerHTML = name;
      return decoder.value.trim();
    });
    var hint = new OverlaysHint(labels.hint, function (button) {
      var control = switcher();
      if (!control) return;
      var open = !control.classList.contains("leaflet-control-layers-expanded");
      control.classList.toggle("leaflet-control-layers-expanded", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open) return;
      var inputs = control.querySelectorAll(".leaflet-control-layers-overlays input[type=checkbox]");
      var first = null;
      inputs.forEach(function (input) {
        var text = input.closest("label") ? input.closest("label").textContent.trim() : "";
        if (!first && names.indexOf(text) !== -1) {
          first = input;
        }
      });
      (first || inputs[0] || control).focus();
    }).addTo(map);
    map.on("click", function () { hint._button.setAttribute("aria-expanded", "false"); });

    xenagos.overlays = { map: map, layers: layers, pane: map.getPane(config.pane), setSwipe: setSwipe };
  };
})();
