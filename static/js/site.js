// Site-wide behaviour. No inline scripts anywhere: the Content-Security-Policy allows 'self' only.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// Tables stack their rows at phone width (static/css/site.css): each cell is labelled with its
// column's header. Done on load and after htmx swaps in new rows.
function labelTableCells(root) {
  root.querySelectorAll("table.data-table").forEach((table) => {
    const headers = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    if (!headers.length) return;
    table.querySelectorAll("tbody tr").forEach((row) => {
      Array.from(row.children).forEach((cell, i) => {
        if (headers[i] && !cell.hasAttribute("data-label") && !cell.hasAttribute("colspan")) {
          cell.setAttribute("data-label", headers[i]);
        }
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", () => labelTableCells(document));
document.addEventListener("htmx:afterSwap", (event) => labelTableCells(event.target.closest("table") || event.target));
