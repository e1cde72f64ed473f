// Yizhan: the little script the pages need. No inline script anywhere (CSP).
(function () {
  "use strict";
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
