// The district board: station lines grouped by street, totals on top; refreshed on every change.
(function () {
  "use strict";
  var body = document.body;
  var lastMessage = Date.now();
  var labels = {};
  var pending = false, again = false;
  var COLS = [["in_stay", "district.in_stay", "guests"], ["beds_free", "district.beds", "rooms"], ["check_ins_today", "district.check_ins", "guests"],
    ["open_alerts", "district.alerts", "attention"], ["positives", "district.positives", "attention"],
    ["awaiting_disinfection", "district.awaiting", "rooms?state=awaiting_disinfection"], ["turned_back", "district.turned_back", "guests?all=1"],
    ["exemption_revoked", "district.exemption_revoked", "guests?all=1"],
    ["overdue_rectifications", "district.overdue_rectifications", "/rectifications?overdue=1&station="]];
  var HOT = ["open_alerts", "overdue_rectifications"];
  function link(c, id) { return c[2].charAt(0) === "/" ? c[2] + id : "/stations/" + id + "/" + c[2]; }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) { e.className = cls; } if (text !== undefined) { e.textContent = String(text); } return e; }
  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }
  function cell(value, href) {
    var td = el("td", "num");
    if (href) { var a = el("a", null, value); a.href = href; td.appendChild(a); } else { td.textContent = value; }
    if ((value | 0) > 0) { td.classList.add("nonzero"); }
    return td;
  }
  function draw(s) {
    labels = s.labels;
    var totals = document.getElementById("totals"); clear(totals);
    COLS.forEach(function (c) {
      var f = el("div", "figure" + (HOT.indexOf(c[0]) >= 0 && s.total[c[0]] > 0 ? " hot" : ""));
      f.setAttribute("data-total", c[0]);
      f.appendChild(el("b", null, s.total[c[0]])); f.appendChild(el("span", null, labels[c[1]])); totals.appendChild(f);
    });
    var head = document.getElementById("head"); clear(head);
    var hr = el("tr"); hr.appendChild(el("th", null, labels["district.station"]));
    COLS.forEach(function (c) { hr.appendChild(el("th", "num", labels[c[1]])); }); head.appendChild(hr);
    var tb = document.getElementById("body"); clear(tb);
    s.streets.forEach(function (st) {
      var sr = el("tr", "street-row"); sr.appendChild(el("th", null, st.street));
      COLS.forEach(function (c) { sr.appendChild(cell(st.total[c[0]], null)); }); tb.appendChild(sr);
      st.stations.forEach(function (l) {
        var tr = el("tr"); tr.setAttribute("data-station", l.station_id);
        var name = el("td");
        if (s.links) { var a = el("a", null, l.station); a.href = "/board/" + l.station_id; name.appendChild(a); } else { name.textContent = l.station; }
        tr.appendChild(name);
        COLS.forEach(function (c) {
          var td = cell(l[c[0]], s.links ? link(c, l.station_id) : null);
          if (HOT.indexOf(c[0]) >= 0 && l[c[0]] > 0) { td.classList.add("hot"); }
          tr.appendChild(td);
        });
        tb.appendChild(tr);
      });
    });
    document.getElementById("updated").textContent = labels["board.updated"] + " " + s.generated_at.slice(11);
    body.setAttribute("data-seq", s.seq);
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
  refresh();
  connect();
})();
