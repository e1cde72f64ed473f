// Charts from data the server put in a JSON block: <div data-chart="ID"> + <script type="application/json" id="ID">.
// Without "axes": percentage lines on one 0–100% axis (resumption rates). With "axes" (a list
// of {name, suffix}): each series may be a "bar" or a "line" on axis 0 or 1, with optional
// "marks" ({x, y, label}) pinned on it.
(function () {
  "use strict";
  function percentLines(d) {
    return {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: d.series.map(function (s) { return { name: s.name, type: "line", smooth: true, showSymbol: false, data: s.data }; })
    };
  }
  function mixed(d) {
    return {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v; } },
      grid: { left: 48, right: 48, top: 56, bottom: 28, containLabel: true },
      yAxis: d.axes.map(function (a, i) {
        return { type: "value", name: a.name, position: i ? "right" : "left", splitLine: { show: i === 0 }, axisLabel: { formatter: "{value}" + (a.suffix || "") } };
      }),
      series: d.series.map(function (s) {
        var out = { name: s.name, type: s.type || "line", yAxisIndex: s.axis || 0, data: s.data };
        if (out.type === "line") { out.showSymbol = true; out.connectNulls = false; }
        if (s.marks && s.marks.length) {
          out.markPoint = { symbolSize: 46, label: { fontSize: 11 }, data: s.marks.map(function (m) { return { coord: [m.x, m.y], value: m.label }; }) };
        }
        return out;
      })
    };
  }
  function draw(node) {
    if (!window.echarts) { return; }
    var src = document.getElementById(node.getAttribute("data-chart"));
    if (!src) { return; }
    var d = JSON.parse(src.textContent);
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    var option = d.axes ? mixed(d) : percentLines(d);
    option.animation = false;
    option.legend = { top: 0 };
    option.xAxis = { type: "category", data: d.days };
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  });
})();
