// Starts Swagger UI on the API documentation page, from a static file (the CSP allows no inline script).
// The schema is read with the signed-in session; "Try it out" sends the token pasted into Authorize.
(function () {
  var element = document.getElementById("swagger-ui");
  if (!element || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: element.getAttribute("data-schema-url") + "?format=json",
    domNode: element,
    deepLinking: true,
    persistAuthorization: false,
    withCredentials: false,
    defaultModelsExpandDepth: 0,
    supportedSubmitMethods: ["get"],
  });
})();
