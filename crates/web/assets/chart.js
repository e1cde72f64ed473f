// Line charts from data the server put in a JSON block: <div data-chart="ID"> + <script type="application/json" id="ID">.
(function () {
  "use strict";
  function draw(node) {
    if (!window.echarts) { return; }
    var src = document.getElementById(node.getAttribute("data-chart"));
    if (!src) { return; }
    var d = JSON.parse(src.textContent);
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "category", data: d.days },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: d.series.map(function (s) { return { name: s.name, type: "line", smooth: true, showSymbol: false, data: s.data }; })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  });
})();
