// What both wall boards share. A board is drawn as one 1920×1080 canvas and scaled to the screen
// it is on (1366×768 to 3840×2160), so that nothing scrolls and a TV shows what was designed; a
// phone or a portrait screen gets the flowing page instead. Its charts are drawn on the dark
// ground, at the scale they are shown at (sharp on a 4K screen).
window.yizhanWall = (function () {
  "use strict";
  var state = { scale: 1 };
  var charts = {};
  function fit(canvas, after) {
    function apply() {
      var w = window.innerWidth, h = window.innerHeight;
      var on = w >= 1024 && w >= h * 1.3;
      document.body.classList.toggle("fit", on);
      state.scale = on ? Math.min(w / 1920, h / 1080) : 1;
      canvas.style.transform = on
        ? "translate(" + (w - 1920 * state.scale) / 2 + "px," + (h - 1080 * state.scale) / 2 + "px) scale(" + state.scale + ")"
        : "";
      if (after) { after(state.scale); }
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    }
    window.addEventListener("resize", apply);
    apply();
  }
  function chart(id, x, y, type, color) {
    if (!window.echarts) { return; }
    var node = document.getElementById(id);
    var c = charts[id] || (charts[id] = window.echarts.init(node, null, { renderer: "canvas", devicePixelRatio: (window.devicePixelRatio || 1) * Math.max(1, state.scale) }));
    c.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 12, bottom: 32 },
      backgroundColor: "transparent",
      textStyle: { color: "#ccd6e0" },
      xAxis: { type: "category", data: x, axisLabel: { color: "#ccd6e0", fontSize: 18 }, axisLine: { lineStyle: { color: "#4a5d6e" } } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: "#ccd6e0", fontSize: 18 }, splitLine: { lineStyle: { color: "#2a3946" } } },
      series: [{ type: type, data: y, itemStyle: { color: color }, lineStyle: { width: 3, color: color }, symbolSize: 6 }]
    });
    node.setAttribute("data-ready", "1");
  }
  // On the canvas a list shows the lines that fit whole, not a line cut in half at its foot.
  function trim(list) {
    var items = Array.prototype.slice.call(list.children);
    items.forEach(function (li) { li.hidden = false; });
    if (!document.body.classList.contains("fit")) { return; }
    var bottom = list.getBoundingClientRect().bottom;
    items.forEach(function (li) { if (li.getBoundingClientRect().bottom > bottom + 1) { li.hidden = true; } });
  }
  return { fit: fit, chart: chart, trim: trim, scale: function () { return state.scale; } };
})();
