/* Xenagos map behaviour: the map's "places" step (gis.maps, built by gis/leaflet-map.js) calls
 * `xenagos.placesLayer(map, config)`.
 * Places are fetched for the map's view from our GeoJSON endpoint (never inlined), filtered, listed, and
 * searched "near me". Every text node is built with textContent: names never go through innerHTML. */
(function () {
  "use strict";
  var xenagos = (window.xenagos = window.xenagos || {});

  var pageLanguage = document.documentElement.lang || undefined;

  (xenagos.mapSteps = xenagos.mapSteps || {}).places = function (map, step) {
    xenagos.placesLayer(map, step.config);
  };

  // Numbers are written as the page's language writes them (Greek: 1.234).
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) {
      var value = values[key];
      return typeof value === "number" ? value.toLocaleString(pageLanguage) : value;
    });
  }

  // A message's forms by CLDR plural category (gis.formats.plural_forms), chosen for the number n.
  function plural(forms, n) {
    if (typeof forms === "string") return forms;
    return forms[new Intl.PluralRules(pageLanguage).select(n)] || forms.other;
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(high, value));
  }

  /** The places layer, the list that follows it, the filters and "near me". */
  xenagos.placesLayer = function (map, config) {
    var labels = config.labels;
    var state = {
      category: (config.filters.category || []).slice(),
      period: (config.filters.period || []).slice(),
      q: config.filters.q || ""
    };
    var points = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    var clusters = L.layerGroup();
    var here = L.layerGroup();
    map.addLayer(points).addLayer(clusters).addLayer(here);
    xenagos.map = map;

    var list = document.querySelector("[data-list]");
    var listStatus = document.querySelector("[data-list-status]");
    var moreButton = document.querySelector("[data-list-more]");
    var form = document.querySelector("[data-map-filters]");
    var shown = {};
    var mapRequest = null;
    var listRequest = null;
    var listOffset = 0;

    function placeUrl(feature) {
      return feature.properties.url || config.placeBase + "p/" + feature.id + "/";
    }

    function viewBox() {
      var b = map.getBounds();
      return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
              clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
        .map(function (v) { return v.toFixed(6); }).join(",");
    }

    function query(extra) {
      var params = new URLSearchParams();
      params.set("bbox", viewBox());
      if (state.category.length) params.set("category", state.category.join(","));
      if (state.period.length) params.set("period", state.period.join(","));
      if (state.q) params.set("q", state.q);
      Object.keys(extra || {}).forEach(function (key) { params.set(key, extra[key]); });
      return params.toString();
    }

    function popupFor(feature) {
      // A named, focusable box: a popup opened from the keyboard takes the focus (xenagos.keyboardPopup).
      var title = "popup-title-" + feature.id;
      var box = element("div", { "class": "place-popup", role: "dialog", "aria-labelledby": title, tabindex: "-1" });
      if (feature.properties.image) {
        box.appendChild(element("img", { src: feature.properties.image, alt: feature.properties.image_alt || "",
                                         width: "240", height: "160" }));
      }
      box.appendChild(element("strong", { id: title }, feature.properties.name));
      var link = element("a", { href: placeUrl(feature) }, labels.open);
      box.appendChild(element("p")).appendChild(link);
      return box;
    }

    function clusterMarker(feature) {
      var count = feature.properties.count;
      var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
      var icon = L.divIcon({
        className: "marker-cluster marker-cluster-" + size + " server-cluster",
        html: "<div><span>" + Number(count) + "</span></div>",
        iconSize: L.point(40, 40)
      });
      var coordinates = feature.geometry.coordinates;
      var marker = L.marker([coordinates[1], coordinates[0]], {
        icon: icon, title: format(plural(labels.cluster, count), { count: count })
      });
      marker.on("click keypress", function () {
        var b = feature.properties.bounds;
        map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: map.getZoom() + 3, padding: [20, 20] });
      });
      return marker;
    }

    function placeMarker(feature) {
      var coordinates = feature.geometry.coordinates;
      var marker = L.marker([coordinates[1], coordinates[0]], {
        title: feature.properties.name, alt: feature.properties.name
      });
      marker.bindPopup(popupFor(feature));
      xenagos.keyboardPopup(map, marker);
      marker.feature = feature;
      return marker;
    }

    function loadMap() {
      if (mapRequest) mapRequest.abort();
      mapRequest = new AbortController();
      fetch(config.endpoint + "?" + query({ zoom: Math.round(map.getZoom()) }), { signal: mapRequest.signal })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          // Keep the markers that stay (an open popup survives a pan); swap the rest.
          clusters.clearLayers();
          var wanted = {};
          var added = [];
          data.features.forEach(function (feature) {
            if (feature.properties.cluster) { clusters.addLayer(clusterMarker(feature)); return; }
            wanted[feature.id] = true;
            if (!shown[feature.id]) { shown[feature.id] = placeMarker(feature); added.push(shown[feature.id]); }
          });
          var removed = Object.keys(shown).filter(function (id) { return !wanted[id]; });
          points.removeLayers(removed.map(function (id) { return shown[id]; }));
          removed.forEach(function (id) { delete shown[id]; });
          points.addLayers(added);
          map.getContainer().setAttribute("data-loaded", String(data.numberMatched));
        })
        .catch(function (error) { if (error.name !== "AbortError") throw error; });
    }

    function renderList(data, append) {
      if (!append) list.textContent = "";
      data.features.forEach(function (feature) {
        var item = element("li", { "data-place": feature.id });
        item.appendChild(element("a", { href: placeUrl(feature) }, feature.properties.name));
        list.appendChild(item);
      });
      listOffset += data.features.length;
      listStatus.textContent = data.numberMatched
        ? format(plural(labels.shown, data.numberMatched), { shown: listOffset, total: data.numberMatched })
        : labels.none;
      moreButton.hidden = listOffset >= data.numberMatched || !data.features.length;
    }

    function loadList(append) {
      if (!append) listOffset = 0;
      if (listRequest) listRequest.abort();
      listRequest = new AbortController();
      fetch(config.endpoint + "?" + query({ limit: 50, offset: listOffset }), { signal: listRequest.signal })
        .then(function (response) { return response.json(); })
        .then(function (data) { renderList(data, append); })
        .catch(function (error) { if (error.name !== "AbortError") throw error; });
    }

    function saveUrl() {
      var centre = map.getCenter();
      var params = new URLSearchParams();
      params.set("lat", centre.lat.toFixed(5));
      params.set("lon", centre.lng.toFixed(5));
      params.set("z", String(Math.round(map.getZoom())));
      if (state.category.length) params.set("category", state.category.join(","));
      if (state.period.length) params.set("period", state.period.join(","));
      if (state.q) params.set("q", state.q);
      // the historical map an archive item's page opened the map with (tiles/js/overlays.js) stays in the address
      var layer = new URLSearchParams(window.location.search).get("layer");
      if (layer) params.set("layer", layer);
      history.replaceState(null, "", window.location.pathname + "?" + params.toString());
      document.querySelectorAll(".language-switcher a[hreflang]").forEach(function (link) {
        link.search = params.toString();
      });
    }

    function refresh() {
      loadMap();
      loadList(false);
      saveUrl();
    }

    var typing = null;
    if (form) {
      form.addEventListener("change", function (event) {
        if (event.target.name === "category" || event.target.name === "period") {
          state[event.target.name] = event.target.value ? [event.target.value] : [];
          refresh();
        }
      });
      form.addEventListener("input", function (event) {
        if (event.target.name !== "q") return;
        clearTimeout(typing);
        typing = setTimeout(function () { state.q = event.target.value.trim(); refresh(); }, 300);
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        state.q = form.elements.q.value.trim();
        refresh();
      });
    }
    if (moreButton) moreButton.addEventListener("click", function () { loadList(true); });
    map.on("moveend", refresh);
    xenagos.filtersToggle(form);
    xenagos.nearMe(map, config, here);
    refresh();
  };

  /** A marker's popup opened with Enter takes the focus; Escape (or its close button) closes it and gives the
   * focus back to the marker. Opened with the mouse, the focus stays where it was. */
  xenagos.keyboardPopup = function (map, marker) {
    marker.on("keypress", function (event) {
      if (event.originalEvent.keyCode !== 13 || !marker.isPopupOpen()) return;
      var popup = marker.getPopup();
      var box = popup.getElement() && popup.getElement().querySelector("[tabindex='-1']");
      if (!box) return;
      function onKey(keyEvent) {
        if (keyEvent.key !== "Escape") return;
        keyEvent.preventDefault();
        keyEvent.stopPropagation();
        marker.closePopup();
      }
      function onClose() {
        box.removeEventListener("keydown", onKey);
        var focus = document.activeElement;
        // Back to the marker, unless the visitor has moved on to something else meanwhile.
        if (marker.getElement() && (!focus || focus === document.body || popup.getElement().contains(focus))) {
          marker.getElement().focus();
        }
      }
      box.addEventListener("keydown", onKey);
      marker.once("popupclose", onClose);
      box.focus();
    });
  };

  /** On a narrow screen the category and period filters fold behind a button, so that the map starts within the
   * first screen; the search field stays. Without JavaScript (or on a wide screen) every filter shows. */
  xenagos.filtersToggle = function (form) {
    var button = form && form.querySelector("[data-filters-toggle]");
    var fields = form && form.querySelector("[data-filter-fields]");
    if (!button || !fields) return;
    var count = button.querySelector("[data-filters-count]");
    function active() {
      return Array.prototype.filter.call(fields.querySelectorAll("select"), function (select) {
        return select.value;
      }).length;
    }
    function showCount() {
      var n = active();
      count.textContent = n ? " (" + n + ")" : "";
    }
    function set(open) {
      button.setAttribute("aria-expanded", String(open));
      form.classList.toggle("filters-open", open);
    }
    form.classList.add("filters-collapsible");
    set(false);
    showCount();
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    fields.addEventListener("change", showCount);
  };

  var NEAR_ZOOM = 15; // the zoom "near me" brings the map to at least: about 1.5 km across a phone

  /** "Near me": the visitor's location, a clicked point or typed coordinates -> nearest places, nearest first. */
  xenagos.nearMe = function (map, config, layer) {
    var section = document.querySelector("[data-near]");
    if (!section) return;
    var labels = config.labels;
    var status = section.querySelector("[data-near-status]");
    var results = section.querySelector("[data-near-results]");
    var pick = section.querySelector("[data-near-pick]");
    // The position dot has a pane of its own above the markers and clusters (markerPane is 600, popups 700).
    var pane = map.getPane("xenagos-here") || map.createPane("xenagos-here");
    pane.style.zIndex = 650;

    // aria-busy marks the list as being replaced, from the click until the new results are in.
    function busy(on) {
      if (on) results.setAttribute("aria-busy", "true"); else results.removeAttribute("aria-busy");
    }

    // pan: bring the point into the middle of the map (a located or typed position; a clicked one is in view).
    function show(lat, lon, pan) {
      layer.clearLayers();
      layer.addLayer(L.circleMarker([lat, lon], {
        pane: "xenagos-here", radius: 9, color: "#ffffff", weight: 3, fillColor: "#0b5394", fillOpacity: 1,
        interactive: false, className: "near-position"
      }));
      if (pan) map.setView([lat, lon], Math.max(map.getZoom(), NEAR_ZOOM));
      results.textContent = "";
      busy(true);
      // Privacy: the position leaves the browser rounded to 3 decimals (about 110 m), whatever its source.
      fetch(config.nearEndpoint + "?lat=" + lat.toFixed(3) + "&lon=" + lon.toFixed(3) + "&limit=10")
        .then(function (response) { return response.json(); })
        .then(function (data) {
          status.textContent = data.features.length ? "" : labels.nearNone;
          data.features.forEach(function (feature) {
            var item = element("li");
            var url = feature.properties.url || config.placeBase + "p/" + feature.id + "/";
            item.appendChild(element("a", { href: url }, feature.properties.name));
            item.appendChild(document.createTextNode(
              " — " + feature.properties.distance + ", " + feature.properties.walking));
            results.appendChild(item);
          });
        })
        .finally(function () { busy(false); });
    }

    var locate = section.querySelector("[data-near-locate]");
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = labels.denied; return; }
      status.textContent = labels.locating;
      busy(true);
      navigator.geolocation.getCurrentPosition(
        function (position) { show(position.coords.latitude, position.coords.longitude, true); },
        function () { status.textContent = labels.denied; busy(false); },
        { enableHighAccuracy: true, timeout: 10000 }
      );
    });
    // The home page's "Places near me" link (map/#near-me) asks for the location at once, once the map script has
    // set the opening view (else that view would replace the visitor's).
    if (window.location.hash === "#near-me") map.whenReady(function () { setTimeout(function () { locate.click(); }, 0); });
    pick.addEventListener("click", function () {
      pick.setAttribute("aria-pressed", "true");
      status.textContent = labels.pick;
      // A click on the map picks its point. A click on a marker or a protected area opens its popup instead and
      // Leaflet stops it there, so the popup's point is picked and the popup closed.
      function picked(latlng) {
        map.off("click", onClick);
        map.off("popupopen", onPopup);
        pick.setAttribute("aria-pressed", "false");
        show(latlng.lat, latlng.lng);
      }
      function onClick(event) { picked(event.latlng); }
      function onPopup(event) { map.closePopup(event.popup); picked(event.popup.getLatLng()); }
      map.on("click", onClick);
      map.on("popupopen", onPopup);
    });
    section.querySelector("[data-near-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      var lat = parseFloat(event.target.elements.lat.value.replace(",", "."));
      var lon = parseFloat(event.target.elements.lon.value.replace(",", "."));
      if (isNaN(lat) || isNaN(lon)) return;
      show(lat, lon, true);
    });
  };
})();
