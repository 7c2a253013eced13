// DKFDS does not initialise itself; a static file keeps the CSP free of inline script.
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS) {
    window.DKFDS.init();
  }
});
