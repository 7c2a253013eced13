// Shows the staff idle-timeout warning before the server ends the session (WCAG 2.2.1).
// The warning's button is an ordinary form post, so extending works without this script;
// the script only decides when to show it, and moves focus there so it is heard.
document.addEventListener("DOMContentLoaded", function () {
  var warning = document.querySelector(".js-timeout-warning");
  if (!warning) {
    return;
  }
  var idle = Number(warning.getAttribute("data-idle-seconds"));
  var warn = Number(warning.getAttribute("data-warn-seconds"));
  window.setTimeout(function () {
    warning.hidden = false;
    warning.setAttribute("tabindex", "-1");
    warning.focus();
  }, (idle - warn) * 1000);
});
