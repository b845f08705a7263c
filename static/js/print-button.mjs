// Buttons marked data-snt-print open the browser's print dialogue (the evidence pack's "Print"
// button). Wired here rather than with an onclick attribute: the Content Security Policy
// allows no inline script.
for (const button of document.querySelectorAll("[data-snt-print]")) {
  button.addEventListener("click", () => window.print());
}
