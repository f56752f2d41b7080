// People and credentials: the "select all" box of the reverification work list.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.matches("th input[type=checkbox]")) return;
  const table = box.closest("table");
  table.querySelectorAll("td input[name=selected]").forEach((row) => {
    row.checked = box.checked;
  });
});
