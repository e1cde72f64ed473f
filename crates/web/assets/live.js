// A list that follows the records live (data-live): on each change the server announces on the
// change stream, the page is fetched again (at most once a second) and the part marked
// data-live replaced, so a commander's screen shows a new case or a step done without a reload.
(function () {
  var part = document.querySelector("[data-live]");
  if (!part || !window.EventSource) return;
  var waiting = false;
  function refresh() {
    fetch(location.href, { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live]");
        if (fresh && fresh.innerHTML !== part.innerHTML) {
          part.innerHTML = fresh.innerHTML;
        }
        // A test waits for this.
        part.dataset.refreshed = String(Number(part.dataset.refreshed || 0) + 1);
      })
      .catch(function () {})
      .then(function () { waiting = false; });
  }
  new EventSource("/inbox/events").addEventListener("change", function () {
    if (waiting) return;
    waiting = true;
    setTimeout(refresh, 1000);
  });
})();
