// The wall board: fetch the snapshot, draw it, and fetch again whenever the server says that
// something changed. After a dropped connection it reconnects and resyncs from a fresh snapshot,
// so nothing is missed. All text goes in through textContent: nothing from the data is HTML.
(function () {
  "use strict";
  var body = document.body;
  var station = body.getAttribute("data-station");
  var snapshotUrl = "/api/v1/stations/" + station + "/board";
  var lastMessage = Date.now();
  var labels = {};
  var pending = false, again = false;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function set(id, text) { var e = document.getElementById(id); if (e) { e.textContent = text; } }
  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }

  // A new open alert rings on the wall (a kiosk's browser allows sound without a click; elsewhere
  // the first click on the page unlocks it). The count of chimes is kept on <body> for tests.
  var lastAlerts = null, audio = null;
  function chime() {
    document.body.dataset.chimes = String(Number(document.body.dataset.chimes || 0) + 1);
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") { audio.resume(); }
      [0, 0.4].forEach(function (at) {
        var o = audio.createOscillator(), g = audio.createGain(), t = audio.currentTime + at;
        o.type = "square";
        o.frequency.value = 880;
        g.gain.setValueAtTime(0.15, t);
        g.gain.exponentialRampToValueAtTime(0.001, t + 0.3);
        o.connect(g);
        g.connect(audio.destination);
        o.start(t);
        o.stop(t + 0.3);
      });
    } catch (e) {}
  }
  document.addEventListener("click", function () { if (audio && audio.state === "suspended") { audio.resume(); } });

  function draw(s) {
    labels = s.labels || {};
    if (lastAlerts !== null && s.open_alerts > lastAlerts) { chime(); }
    lastAlerts = s.open_alerts;
    set("f-checkins", s.today.check_ins);
    set("f-checkouts", s.today.check_outs);
    set("f-releases", s.today.releases);
    set("f-occupancy", s.occupancy.used + "/" + s.occupancy.total);
    set("f-alerts", s.open_alerts);
    set("f-tests", s.tests.sampled + "/" + s.tests.due);
    document.getElementById("f-alerts").parentNode.classList.toggle("hot", s.open_alerts > 0);
    set("f-requests", s.requests.open);
    // Late requests make the figure hot, as open alerts do.
    document.getElementById("f-requests").parentNode.classList.toggle("hot", s.requests.late > 0);

    var legend = document.getElementById("legend"); clear(legend);
    var counts = {};
    s.rooms.forEach(function (r) { counts[r.state] = (counts[r.state] || 0) + 1; });
    var stateLabel = {};
    s.state_labels.forEach(function (pair) {
      stateLabel[pair[0]] = pair[1];
      legend.appendChild(el("span", "chip state-" + pair[0], pair[1] + " " + (counts[pair[0]] || 0)));
    });
    var grid = document.getElementById("grid"); clear(grid);
    if (!s.rooms.length) { grid.appendChild(el("p", "muted", labels["board.no_rooms"])); }
    var floors = {};
    s.rooms.forEach(function (r) { (floors[r.floor] = floors[r.floor] || []).push(r); });
    Object.keys(floors).sort(function (a, b) { return b - a; }).forEach(function (f) {
      var row = el("div", "board-floor");
      row.appendChild(el("span", "board-floor-no", f));
      floors[f].forEach(function (r) {
        var tone = r.alert ? (r.alert === "positive" ? " alert-positive" : " alert-danger") : "";
        var cell = el("span", "board-room state-" + r.state + tone, r.number);
        cell.setAttribute("data-room", r.number);
        cell.setAttribute("data-state", r.state);
        cell.title = stateLabel[r.state] + " " + r.occupied + "/" + r.beds;
        if (r.alert) {
          // The room lights up, with its word, until the alert is closed.
          cell.setAttribute("data-alert", r.alert);
          cell.appendChild(el("span", "room-alert", labels["alert." + r.alert]));
          cell.title += " · " + labels["alert." + r.alert];
        }
        row.appendChild(cell);
      });
      grid.appendChild(row);
    });

    var feed = document.getElementById("feed"); clear(feed);
    if (!s.feed.length) { feed.appendChild(el("li", "muted", labels["board.no_movements"])); }
    s.feed.forEach(function (m) {
      var li = el("li", "kind-" + m.kind);
      li.appendChild(el("time", null, m.time));
      li.appendChild(el("strong", null, m.room));
      li.appendChild(el("span", null, m.name));
      li.appendChild(el("em", null, m.label));
      feed.appendChild(li);
    });
    var att = document.getElementById("attention"); clear(att);
    if (!s.attention.length) { att.appendChild(el("li", "muted", labels["board.nobody"])); }
    var counts = document.getElementById("attention-counts");
    if (counts) { counts.textContent = s.attention_counts; }
    s.attention.forEach(function (a) {
      var li = el("li", a.urgent ? "urgent" : "watch");
      li.setAttribute("data-room", a.room);
      li.appendChild(el("strong", null, a.room));
      li.appendChild(el("span", null, a.name));
      a.reasons.forEach(function (r, i) { li.appendChild(el("em", "reason tone-" + a.tones[i], r)); });
      att.appendChild(li);
    });
    var duty = document.getElementById("on-duty"); clear(duty);
    if (!s.on_duty.length) { duty.appendChild(el("li", "muted", labels["board.nobody_on_duty"])); }
    s.on_duty.forEach(function (d) {
      var li = el("li");
      li.appendChild(el("strong", null, d.group));
      li.appendChild(el("span", d.names.length ? null : "muted", d.names.length ? d.names.join("、") : labels["board.nobody_on_duty"]));
      duty.appendChild(li);
    });
    var kpis = document.getElementById("kpis"); clear(kpis);
    s.kpis.forEach(function (k) {
      var box = el("div", "kpi" + (k.count > 0 ? " hot" : ""));
      box.setAttribute("data-kpi", k.key);
      box.appendChild(el("b", null, k.count));
      box.appendChild(el("span", null, k.label));
      box.appendChild(el("small", null, k.days_since === null ? labels["board.never"] : labels["board.days_since"].replace("{days}", k.days_since)));
      kpis.appendChild(box);
    });
    arrange();
    window.yizhanWall.chart("chart-occupancy", s.charts.days, s.charts.occupancy, "line", "#5b9cff");
    window.yizhanWall.chart("chart-alerts", s.charts.days, s.charts.alerts, "bar", "#ff6b5f");
    body.setAttribute("data-seq", s.seq);
    set("updated", (labels["board.updated"] || "") + " " + s.generated_at.slice(11));
  }

  // The room grid fills its panel: as many columns as make the cells largest (a floor wraps
  // onto more lines when it has more rooms than columns), 200 to 500 rooms on one screen.
  function layoutRooms() {
    var grid = document.getElementById("grid");
    var rows = Array.prototype.slice.call(grid.querySelectorAll(".board-floor"));
    if (!body.classList.contains("fit") || !rows.length) { grid.removeAttribute("style"); return; }
    var gap = 4, label = 52;
    var sizes = rows.map(function (r) { return r.querySelectorAll(".board-room").length; });
    var width = grid.clientWidth - label, height = grid.clientHeight;
    var most = Math.max.apply(null, sizes.concat([1])), best = null;
    for (var cols = 1; cols <= most; cols++) {
      var lines = sizes.reduce(function (n, k) { return n + Math.max(1, Math.ceil(k / cols)); }, 0);
      var cw = (width - gap * cols) / cols, ch = (height - gap * (lines - 1)) / lines;
      // The number's font: a cell is about 2.6 of it wide (four digits) and 1.5 of it tall.
      var size = Math.min(cw / 2.6, ch / 1.5);
      if (!best || size > best.size) { best = { cols: cols, cw: cw, ch: ch, size: size }; }
    }
    var w = Math.floor(Math.min(best.cw, 150)), h = Math.floor(Math.min(best.ch, 96));
    grid.style.setProperty("--cols", best.cols);
    grid.style.setProperty("--cw", w + "px");
    grid.style.setProperty("--ch", h + "px");
    var font = Math.max(11, Math.min(32, Math.floor(Math.min(w / 2.6, h / 1.5))));
    grid.style.setProperty("--cf", font + "px");
    // Too low for the alert's word under the number: the colour says it, the attention list
    // beside names it.
    grid.classList.toggle("tight", h < font * 2.2);
    rows.forEach(function (r, i) { r.firstChild.style.gridRow = "1 / span " + Math.max(1, Math.ceil(sizes[i] / best.cols)); });
  }

  function revoked() {
    document.getElementById("revoked").hidden = false;
    body.classList.add("is-revoked");
  }

  function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    fetch(snapshotUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 422 || r.status === 401 || r.status === 404 || r.status === 403) { revoked(); throw new Error("no access"); }
        return r.json();
      })
      .then(function (s) { lastMessage = Date.now(); draw(s); })
      .catch(function () {})
      .then(function () { pending = false; if (again) { again = false; refresh(); } });
  }

  var source = null;
  function connect() {
    source = new EventSource("/board/" + station + "/events");
    source.addEventListener("change", function () { lastMessage = Date.now(); refresh(); });
    source.onmessage = function () { lastMessage = Date.now(); };
    source.onopen = function () { lastMessage = Date.now(); refresh(); };
    source.onerror = function () {
      if (source.readyState === 2) { source.close(); refresh(); setTimeout(connect, 3000); }
    };
  }

  function tick() {
    var now = new Date();
    // Station time is China Standard Time, whatever the TV's own clock is set to.
    set("clock", now.toLocaleString(body.getAttribute("data-lang") === "en" ? "en-GB" : "zh-CN", { hour12: false, timeZone: "Asia/Shanghai" }));

    // Shifts change on the hour with no write to announce it: fetch the new duty list then.
    if (now.getMinutes() === 0 && now.getSeconds() === 2) { refresh(); }
    var stale = Date.now() - lastMessage > 30000;
    document.getElementById("updated").classList.toggle("stale", stale);
    if (stale) { set("updated", labels["board.offline"] || "offline"); }
  }

  setInterval(tick, 1000);
  // What depends on the screen: the grid's cells and the lines of each list that fit.
  function arrange() {
    layoutRooms();
    ["feed", "attention", "on-duty"].forEach(function (id) { window.yizhanWall.trim(document.getElementById(id)); });
  }
  window.yizhanWall.fit(document.getElementById("canvas"), arrange);
  tick();
  refresh();
  connect();
})();
