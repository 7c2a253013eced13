// The staff idle timeout (WCAG 2.2.1): a warning before the server ends the session, and the
// page cleared once it has, so a case never stays on an unattended screen. The warning's
// button is an ordinary form post, so extending works without this script. With it, the
// button and typing in any form (a decision being written counts as use) extend the session
// in the background, and what is being typed stays where it is.
document.addEventListener("DOMContentLoaded", function () {
  var warning = document.querySelector(".js-timeout-warning");
  if (!warning) {
    return;
  }
  var ended = document.querySelector(".js-timeout-ended");
  var form = warning.querySelector("form");
  var idle = Number(warning.getAttribute("data-idle-seconds"));
  var warn = Number(warning.getAttribute("data-warn-seconds"));
  var warnTimer = null;
  var endTimer = null;
  var lastExtended = Date.now();

  function showWarning() {
    warning.hidden = false;
    warning.setAttribute("tabindex", "-1");
    warning.focus();
  }

  function end() {
    var main = document.getElementById("main-content");
    if (main && ended) {
      while (main.firstChild) {
        main.removeChild(main.firstChild);
      }
      ended.hidden = false;
      main.appendChild(ended);
      ended.setAttribute("tabindex", "-1");
      ended.focus();
    }
    warning.hidden = true;
  }

  function restart() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(showWarning, (idle - warn) * 1000);
    endTimer = window.setTimeout(end, idle * 1000);
  }

  function extend() {
    lastExtended = Date.now();
    return window
      .fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-Portal-Background": "1" },
      })
      .then(function (response) {
        if (response.status === 204) {
          warning.hidden = true;
          restart();
        } else {
          end(); // the session had ended already: the answer is the way to the login
        }
      })
      .catch(function () {
        // No network: leave the page as it is; the button still posts the form.
      });
  }

  if (window.fetch && window.FormData) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      extend();
    });
    document.addEventListener("input", function (event) {
      if (!warning.contains(event.target) && Date.now() - lastExtended > 60000) {
        extend();
      }
    });
  }
  restart();
});
