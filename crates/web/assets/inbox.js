// The bell: counts what is unread in the person's notification centre, live over the change
// stream, and shows what their settings say as a desktop notification when the person has
// allowed it (the button on /inbox asks). Nothing is announced that was there before the page
// opened.
(function () {
  "use strict";
  var bell = document.querySelector("[data-testid=inbox-link]");
  if (!bell) return;
  var count = bell.querySelector(".count");
  var last = null;

  function show(n) {
    count.textContent = n > 99 ? "99+" : String(n);
    count.hidden = n === 0;
    bell.classList.toggle("has-unread", n > 0);
  }

  // The server says what pops up: at or above the person's threshold, and in their quiet
  // hours only danger.
  function announce(item) {
    if (!item.announce) return;
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    var n = new Notification(item.title, { body: item.text, tag: "yizhan-" + item.id });
    n.onclick = function () {
      window.focus();
      location.href = item.link;
    };
  }

  // One look at a time: changes that come while a look is under way ask for one more after it,
  // so two quick changes never fetch the same items twice (and pop them up twice).
  var busy = false;
  var again = false;

  function check() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    again = false;
    var url = "/api/v1/inbox" + (last === null ? "" : "?after=" + last);
    fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return;
        show(j.unread);
        if (last !== null) j.items.forEach(announce);
        last = Math.max(last || 0, j.newest);
        // From here on, anything new is announced (a test waits for this).
        bell.dataset.ready = "1";
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) check();
      });
  }

  check();
  if (window.EventSource) {
    new EventSource("/inbox/events").addEventListener("change", function () {
      if (last !== null) check();
    });
  }

  // On the centre's page: a button to allow desktop notifications, while they are not allowed.
  var ask = document.querySelector("[data-inbox-permission]");
  if (ask && "Notification" in window && Notification.permission === "default") {
    ask.hidden = false;
    ask.addEventListener("click", function () {
      Notification.requestPermission().then(function () { ask.hidden = true; });
    });
  }
})();
