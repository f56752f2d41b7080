// The new-request form: the running total of the duties' percentages (no inline script:
// the Content-Security-Policy allows 'self' only).
(() => {
  const total = document.getElementById("duties-total");
  if (!total) return;
  const fields = () => document.querySelectorAll("input[name^=duty_][name$=_percent]");
  const update = () => {
    let sum = 0;
    fields().forEach((field) => {
      const n = Number.parseInt(field.value, 10);
      if (Number.isFinite(n) && n > 0) sum += n;
    });
    total.textContent = String(sum);
    total.classList.toggle("text-error", sum !== 100);
    total.classList.toggle("text-success", sum === 100);
  };
  document.addEventListener("input", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.matches("input[name^=duty_][name$=_percent]")) update();
  });
  update();
})();
