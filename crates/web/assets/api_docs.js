// /api/docs: Swagger UI over this server's own document. A file, not an inline script: the
// page keeps the application's Content-Security-Policy (script-src 'self').
window.addEventListener('DOMContentLoaded', function () {
  var csrf = null;
  // "Try it out" as the signed-in person: the session cookie goes with each request, and a
  // state-changing one also needs the session's CSRF token (a system's bearer token, set with
  // "Authorize", needs none).
  fetch('/api/v1/session', { credentials: 'same-origin' })
    .then(function (r) { return r.json(); })
    .then(function (s) { csrf = s.csrf_token; })
    .catch(function () {});
  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    requestInterceptor: function (req) {
      if (csrf && req.method && req.method.toUpperCase() !== 'GET') {
        req.headers['X-CSRF-Token'] = csrf;
      }
      return req;
    },
  });
});
