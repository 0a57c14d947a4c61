/* A route page's elevation profile (content/route_page.html, content.route_context.route_profile) drawn with uPlot
 * (served by us from node_modules): distance (km) × elevation (m), gaps where the profile has no elevation, the
 * stops as numbered dashed lines. The data come from the page's <script type="application/json"
 * id="route-profile-data">: stations [distance m, elevation m or null, lon, lat], stops [number, distance m], labels.
 * The chart and the map mark the same station: moving the pointer along the chart, or the arrow keys on the focused
 * chart, put the map's marker there (route-map.js, `xenagos.routeSync.markMap`); the pointer over the line on the
 * map calls `markProfile`. The data table (<details>) is written by the server and works without this script. */
(function () {
  "use strict";
  var xenagos = (window.xenagos = window.xenagos || {});
  var sync = (xenagos.routeSync = xenagos.routeSync || {});
  var element = document.getElementById("route-profile-chart");
  var source = document.getElementById("route-profile-data");
  if (!element || !source || typeof uPlot === "undefined") return;

  var data = JSON.parse(source.textContent);
  var stations = data.stations;
  var labels = data.labels;
  var lang = document.documentElement.lang || undefined;
  var km2 = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var whole = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  var readout = document.getElementById("route-profile-readout");
  var keys = document.getElementById("route-profile-keys");
  var LINE = "#0b5394", STOP = "#5a5a5a";
  var xs = stations.map(function (s) { return s[0] / 1000; });
  var ys = stations.map(function (s) { return s[1]; });
  var last = stations.length - 1;
  // A keyboard step: about 1 % of the route, at least one station.
  var step = Math.max(1, Math.round(stations.length / 100));

  function drawStops(u) {
    var ctx = u.ctx, top = u.bbox.top, bottom = u.bbox.top + u.bbox.height, ratio = uPlot.pxRatio;
    ctx.save();
    ctx.strokeStyle = STOP;
    ctx.fillStyle = STOP;
    ctx.lineWidth = ratio;
    ctx.setLineDash([4 * ratio, 3 * ratio]);
    ctx.font = "bold " + Math.round(11 * ratio) + "px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    data.stops.forEach(function (stop) {
      var x = Math.round(u.valToPos(stop[1] / 1000, "x", true));
      ctx.beginPath();
      ctx.moveTo(x, top + 14 * ratio);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.fillText(String(stop[0]), x, top);
    });
    ctx.restore();
  }

  var chart;
  var current = null; // the station marked on both the chart and the map
  var moving = false; // the chart's cursor is being set from here (keyboard or map), not by the pointer

  function mark(i, fromPointer) {
    current = i;
    if (sync.markMap) sync.markMap(i);
    if (i === null) {
      element.removeAttribute("data-station-m");
      return;
    }
    element.setAttribute("data-station-m", String(stations[i][0]));
    var text = ys[i] === null ? labels.pointNoElevation : labels.point;
    readout.textContent = text.replace("{km}", km2.format(xs[i])).replace("{m}", ys[i] === null ? "" : whole.format(ys[i]));
    if (!fromPointer) {
      moving = true;
      var y = ys[i] === null ? chart.bbox.height / 2 / uPlot.pxRatio : chart.valToPos(ys[i], "y");
      chart.setCursor({ left: chart.valToPos(xs[i], "x"), top: y });
      moving = false;
    }
  }

  function size() {
    var width = Math.max(240, element.clientWidth);
    return { width: width, height: width < 600 ? 200 : 260 };
  }

  chart = new uPlot(
    {
      width: size().width,
      height: size().height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, y: false, points: { size: 10, fill: "#b3261e", stroke: "#fff" } },
      scales: { x: { time: false, range: function (u, min, max) { return [min, max]; } } },
      series: [
        { label: labels.distance },
        { label: labels.elevation, stroke: LINE, width: 2, fill: "rgba(11, 83, 148, 0.12)", spanGaps: false,
          points: { show: false } }
      ],
      axes: [
        { label: labels.distance, stroke: "#222", values: function (u, splits) {
          return splits.map(function (v) { return new Intl.NumberFormat(lang).format(v); });
        } },
        { label: labels.elevation, stroke: "#222", size: 56, values: function (u, splits) {
          return splits.map(function (v) { return whole.format(v); });
        } }
      ],
      hooks: {
        draw: [drawStops],
        setCursor: [function (u) {
          if (moving) return;
          var i = u.cursor.idx;
          mark(i === undefined || i === null ? null : i, true);
        }]
      }
    },
    [xs, ys],
    element
  );

  sync.chart = chart;
  sync.markProfile = function (i) { mark(i, false); };

  // The keyboard: the chart is focusable and says how to use it.
  element.tabIndex = 0;
  keys.hidden = false;
  element.setAttribute("aria-describedby", "route-profile-keys");
  element.addEventListener("keydown", function (event) {
    var start = current === null ? -1 : current, next;
    switch (event.key) {
      case "ArrowRight": case "ArrowUp": next = start < 0 ? 0 : start + step; break;
      case "ArrowLeft": case "ArrowDown": next = start < 0 ? 0 : start - step; break;
      case "PageUp": next = start + step * 10; break;
      case "PageDown": next = start - step * 10; break;
      case "Home": next = 0; break;
      case "End": next = last; break;
      default: return;
    }
    event.preventDefault();
    mark(Math.min(last, Math.max(0, next)), false);
  });

  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(function () {
      var wanted = size();
      if (wanted.width !== chart.width || wanted.height !== chart.height) chart.setSize(wanted);
    }).observe(element);
  }
})();
