// The API documentation page: Swagger UI (drf-spectacular-sidecar) on the schema named by
// #swagger-ui's data-schema-url. Session requests made from "Try it out" carry the CSRF token
// from its cookie, as the API requires of signed-in writes.
(function () {
  "use strict";

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function start() {
    const element = document.getElementById("swagger-ui");
    if (!element || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    window.SwaggerUIBundle({
      url: element.dataset.schemaUrl,
      domNode: element,
      deepLinking: true,
      persistAuthorization: false,
      requestInterceptor: function (request) {
        const method = (request.method || "GET").toUpperCase();
        if (!["GET", "HEAD", "OPTIONS"].includes(method)) {
          request.headers["X-CSRFToken"] = csrfToken();
        }
        return request;
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
