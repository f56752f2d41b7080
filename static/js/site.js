// Site-wide behaviour. No inline scripts anywhere: the Content-Security-Policy allows 'self' only.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});
