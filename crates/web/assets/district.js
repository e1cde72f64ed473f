// The district board: district totals and return to work on top, the stations that need the
// command first (as many as fit), 14-day trends and the streets; refreshed on every change.
(function () {
  "use strict";
  var body = document.body;
  var lastMessage = Date.now();
  var labels = {};
  var last = null;
  var pending = false, again = false;
  var TOTALS = [["in_stay", "district.in_stay"], ["in_transit", "district.in_transit"], ["beds_free", "district.beds"], ["open_alerts", "district.alerts"],
    ["positives", "district.positives"], ["awaiting_disinfection", "district.awaiting"], ["overdue_rectifications", "district.overdue_rectifications"]];
  // The ranked table's numbers: (field, label, where a signed-in reader follows it).
  var COLS = [["open_alerts", "district.alerts", "attention"], ["positives", "district.positives", "attention"],
    ["awaiting_disinfection", "district.awaiting", "rooms?state=awaiting_disinfection"],
    ["overdue_rectifications", "district.overdue_rectifications", "/rectifications?overdue=1&station="]];
  var HOT = ["open_alerts", "positives", "overdue_rectifications"];
  function link(c, id) { return c[2].charAt(0) === "/" ? c[2] + id : "/stations/" + id + "/" + c[2]; }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) { e.className = cls; } if (text !== undefined) { e.textContent = String(text); } return e; }
  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }
  function figure(cls, value, label, small) {
    var f = el("div", cls);
    f.appendChild(el("b", null, value)); f.appendChild(el("span", null, label));
    if (small !== undefined) { f.appendChild(el("small", null, small)); }
    return f;
  }
  function cell(value, href, hot, label) {
    var td = el("td", "num" + (hot ? " hot" : "") + ((value | 0) > 0 ? " nonzero" : ""));
    td.setAttribute("data-label", label);
    if (href) { var a = el("a", null, value); a.href = href; td.appendChild(a); } else { td.textContent = value; }
    return td;
  }
  function needs(l) { return COLS.some(function (c) { return l[c[0]] > 0; }); }
  function draw(s) {
    last = s;
    labels = s.labels;
    var totals = document.getElementById("totals"); clear(totals);
    TOTALS.forEach(function (c) {
      var f = figure("figure" + (HOT.indexOf(c[0]) >= 0 && s.total[c[0]] > 0 ? " hot" : ""), s.total[c[0]], labels[c[1]]);
      f.setAttribute("data-total", c[0]);
      totals.appendChild(f);
    });
    var work = document.getElementById("work"); clear(work);
    [[s.work.rate, "district.resumption", s.work.resumed + "/" + s.work.enterprises],
      [s.work.above_rate, "district.resumption_above"],
      [s.work.arrived, "district.workers_arrived", "/" + s.work.workers],
      [s.work.at_work, "district.workers_at_work", "/" + s.work.workers]].forEach(function (w) {
      work.appendChild(figure("kpi", w[0], labels[w[1]], w[2]));
    });
    var head = document.getElementById("head"); clear(head);
    var hr = el("tr"); hr.appendChild(el("th", null, labels["district.station"]));
    hr.appendChild(el("th", "street", labels["district.street"]));
    hr.appendChild(el("th", "num", labels["district.in_stay_beds"]));
    COLS.forEach(function (c) { hr.appendChild(el("th", "num", labels[c[1]])); }); head.appendChild(hr);
    var tb = document.getElementById("body"); clear(tb);
    s.ranked.forEach(function (l) {
      var tr = el("tr", needs(l) ? "needs" : "calm"); tr.setAttribute("data-station", l.station_id);
      var name = el("td", "name");
      if (s.links) { var a = el("a", null, l.station); a.href = "/board/" + l.station_id; name.appendChild(a); } else { name.textContent = l.station; }
      tr.appendChild(name);
      var street = el("td", "street", l.street);
      street.setAttribute("data-label", labels["district.street"]);
      tr.appendChild(street);
      tr.appendChild(cell(l.in_stay + "/" + l.beds_free, s.links ? "/stations/" + l.station_id + "/guests" : null, false, labels["district.in_stay_beds"]));
      COLS.forEach(function (c) { tr.appendChild(cell(l[c[0]], s.links ? link(c, l.station_id) : null, HOT.indexOf(c[0]) >= 0 && l[c[0]] > 0, labels[c[1]])); });
      tb.appendChild(tr);
    });
    var streets = document.getElementById("streets"); clear(streets);
    s.streets.forEach(function (st) {
      var li = el("li");
      li.appendChild(el("strong", null, st.street));
      li.appendChild(el("span", null, labels["district.in_stay"] + " " + st.total.in_stay));
      li.appendChild(el("em", "reason tone-" + (st.total.open_alerts > 0 ? "danger" : "neutral"), labels["district.alerts"] + " " + st.total.open_alerts));
      streets.appendChild(li);
    });
    window.yizhanWall.chart("chart-check-ins", s.trend.days, s.trend.check_ins, "bar", "#5b9cff");
    window.yizhanWall.chart("chart-alerts", s.trend.days, s.trend.alerts, "bar", "#ff6b5f");
    trim();
    document.getElementById("updated").textContent = labels["board.updated"] + " " + s.generated_at.slice(11);
    body.setAttribute("data-seq", s.seq);
  }
  // On a TV, as many stations as fit, the neediest first, and how many more there are.
  function trim() {
    if (!last) { return; }
    var rows = Array.prototype.slice.call(document.querySelectorAll("#body tr"));
    rows.forEach(function (r) { r.hidden = false; });
    var more = document.getElementById("more");
    more.textContent = "";
    if (!last.ranked.some(needs)) { more.textContent = labels["district.nothing_waits"]; }
    if (!body.classList.contains("fit")) { return; }
    var panel = document.querySelector(".need-panel").getBoundingClientRect();
    var hidden = 0;
    for (var i = rows.length - 1; i >= 0; i--) {
      if (rows[i].getBoundingClientRect().bottom <= panel.bottom - 44 * window.yizhanWall.scale()) { break; }
      rows[i].hidden = true; hidden++;
    }
    if (hidden) { more.textContent = labels["district.more"].replace("{n}", hidden) + (last.ranked.some(needs) ? "" : " · " + labels["district.nothing_waits"]); }
  }
  function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    fetch("/api/v1/district/board", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { document.getElementById("revoked").hidden = false; throw new Error("no access"); } return r.json(); })
      .then(function (s) { lastMessage = Date.now(); draw(s); })
      .catch(function () {})
      .then(function () { pending = false; if (again) { again = false; refresh(); } });
  }
  function connect() {
    var source = new EventSource("/board/district/events");
    source.addEventListener("change", function () { lastMessage = Date.now(); refresh(); });
    source.onopen = function () { lastMessage = Date.now(); refresh(); };
    source.onerror = function () { if (source.readyState === 2) { source.close(); setTimeout(connect, 3000); } };
  }
  setInterval(function () {
    document.getElementById("clock").textContent = new Date().toLocaleString(body.getAttribute("data-lang") === "en" ? "en-GB" : "zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
    var stale = Date.now() - lastMessage > 30000;
    var u = document.getElementById("updated"); u.classList.toggle("stale", stale);
    if (stale) { u.textContent = labels["board.offline"] || "offline"; }
  }, 1000);
  window.yizhanWall.fit(document.getElementById("canvas"), trim);
  refresh();
  connect();
})();
