// The resume checker's pages. Analyze posts as an ordinary form (so it lands on the result with
// or without JS); while the request runs, this shows what is happening instead of a frozen page.
function setBusy(form, busy) {
  const progress = form.querySelector("[data-analyze-progress]");
  if (progress) progress.hidden = !busy;
  if (busy) form.setAttribute("aria-busy", "true");
  else form.removeAttribute("aria-busy");
  form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = busy; });
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest?.("form[data-analyze-form], form[data-analyze-job-form]");
  if (!form || event.defaultPrevented) return;
  // Disabled once the submission has started, so that a second click cannot send it twice.
  setTimeout(() => setBusy(form, true), 0);
});

// A page brought back by the Back button must not stay "Analyzing…".
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  document.querySelectorAll("form[data-analyze-form], form[data-analyze-job-form]").forEach((form) => setBusy(form, false));
});
