// Yizhan: the little script the pages need. No inline script anywhere (CSP).
(function () {
  "use strict";
  // An upload posts its CSRF token in the address (a multipart body is read after the check);
  // a page shown in answer (a per-row report) must not keep it in the address bar or history.
  if (window.location.search.indexOf("_csrf=") >= 0 && window.history.replaceState) {
    var u = new URL(window.location.href);
    u.searchParams.delete("_csrf");
    window.history.replaceState(null, "", u.pathname + u.search + u.hash);
  }
  var csrf = document.body ? document.body.getAttribute("data-csrf") : null;
  // htmx requests carry the CSRF token as a header.
  document.addEventListener("htmx:configRequest", function (e) {
    if (csrf) { e.detail.headers["X-CSRF-Token"] = csrf; }
  });
  // Buttons that ask before doing something irreversible: data-confirm="…".
  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target.closest("[data-confirm]") : null;
    if (t && !window.confirm(t.getAttribute("data-confirm"))) { e.preventDefault(); }
  });
})();
// The round: after a row is saved, the next row's temperature input takes the focus, so a nurse
// types 36.5 ⏎ 36.7 ⏎ … down the corridor without touching the screen.
document.addEventListener("htmx:afterSettle", function (e) {
  var row = e.detail && e.detail.target;
  if (!row || row.tagName !== "TR") { return; }
  if (row.querySelector("[data-testid=row-error]")) { var own = row.querySelector("input.temp"); if (own) { own.focus(); } return; }
  if (row.querySelector(".ok-mark, .sign-mark")) { row.classList.remove("overdue"); }
  // The counter: readings of this round so far.
  var table = row.closest("table");
  var counter = document.querySelector("[data-testid=round-progress]");
  if (table && counter) {
    var done = table.querySelectorAll(".ok-mark, .sign-mark").length;
    var all = table.querySelectorAll("tbody tr").length;
    counter.textContent = counter.getAttribute("data-label") + " " + done + "/" + all;
  }

  var next = row.nextElementSibling;
  var input = next && next.querySelector("input.temp");
  if (input) { input.focus(); }
});
// A part of a form that belongs to one choice: <select data-switch="kind"> shows the elements
// marked data-when-kind="<that choice>" (or "!<that choice>": any other) and hides the others (a
// rent relief has a property and a landlord, another measure has a description; a mainland ID card
// says its holder's sex and birth date). What is hidden is not sent.
function applySwitch(sel) {
  var name = sel.getAttribute("data-switch");
  var scope = sel.form || document;
  scope.querySelectorAll("[data-when-" + name + "]").forEach(function (el) {
    var want = el.getAttribute("data-when-" + name);
    var show = want.charAt(0) === "!" ? want.slice(1) !== sel.value : want === sel.value;
    el.hidden = !show;
    el.querySelectorAll("input, select, textarea").forEach(function (c) { c.disabled = !show; });
  });
}
document.querySelectorAll("select[data-switch]").forEach(applySwitch);
document.addEventListener("change", function (e) {
  if (e.target.matches && e.target.matches("select[data-switch]")) { applySwitch(e.target); }
});
document.addEventListener("click", function (e) {
  var t = e.target.closest ? e.target.closest("[data-print]") : null;
  if (t) { e.preventDefault(); window.print(); }
});
// An import running as a job: poll its progress every second, move the bar, and show the
// outcome (the same page, reloaded) once it is over.
(function () {
  var box = document.querySelector("[data-import-progress]");
  if (!box) { return; }
  var url = box.getAttribute("data-import-progress");
  var bar = box.querySelector("[data-bar]");
  var read = box.querySelector("[data-read]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (bar) { bar.value = p.permille; bar.textContent = Math.floor(p.permille / 10) + "%"; }
        if (read) { read.textContent = p.rows_read; }
        if (p.status === "running") { setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
// A refused form: the list of what to correct takes the focus (and the phone scrolls to it).
(function () {
  var refused = document.querySelector(".refused");
  if (refused) { refused.focus(); }
})();
// An inspection's checklist: answers not yet saved are saved before a photo is uploaded (the
// upload reloads the page), and leaving the page with them unsaved asks first.
(function () {
  var list = document.getElementById("checklist");
  if (!list) { return; }
  var dirty = false;
  function mark(e) { if (e.target.form === list) { dirty = true; } }
  document.addEventListener("change", mark);
  document.addEventListener("input", mark);
  list.addEventListener("submit", function () { dirty = false; });
  document.querySelectorAll(".photo-form").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!dirty) { return; }
      e.preventDefault();
      var data = new FormData(list);
      data.set("then", "save");
      fetch(list.action, { method: "POST", body: new URLSearchParams(data), credentials: "same-origin" })
        .then(function (r) {
          if (r.ok) { dirty = false; f.submit(); } else { list.querySelector("[value=save]").click(); }
        });
    });
  });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });
})();
