// The new-request form: the running total of the duties' percentages (no inline script:
// the Content-Security-Policy allows 'self' only).
(() => {
  const total = document.getElementById("duties-total");
  if (!total) return;
  // The fields are NYSDS text inputs (the input itself is in their shadow root): their host
  // element carries the name and the value, and the input event reaches the document from it.
  const selector = "[name^=duty_][name$=_percent]";
  const fields = () => document.querySelectorAll(selector);
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
    if (event.target instanceof Element && event.target.matches(selector)) update();
  });
  update();
})();
