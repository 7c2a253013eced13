// DKFDS does not initialise itself; a static file keeps the CSP free of inline script.
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS) {
    window.DKFDS.init();
  }
});

// A confirmation or a refusal that a page opens with takes the focus, so a screen reader reads
// it at once. The forms that lead there post to an address ending in its #id, which focuses it
// without script; this covers a visit whose address lacks the #id.
document.addEventListener("DOMContentLoaded", function () {
  var notice = document.querySelector("[data-focus-on-load]");
  if (notice && document.activeElement !== notice) {
    notice.focus();
  }
});

// Print buttons are hidden until JavaScript can make them work.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".js-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
});

// Print the details elements open, and close again afterwards the ones print opened.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details:not([open])").forEach(function (details) {
    details.open = true;
    details.dataset.printOpened = "true";
  });
});
window.addEventListener("afterprint", function () {
  document.querySelectorAll("details[data-print-opened]").forEach(function (details) {
    details.open = false;
    delete details.dataset.printOpened;
  });
});

// A numbered source reference opens the folded source list before the browser jumps there.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest(".source-ref a");
  var list = document.getElementById("kilder");
  if (link && list) {
    list.open = true;
  }
});

// A page that answers a form stands in the history as that POST: going Back to it made the
// browser ask "Confirm Form Resubmission", which many people cannot answer. The page names
// the address that shows it by a plain visit (base.html). When the person leaves the page by
// sending a form or following a link, its history entry becomes that visit, so Back shows the
// page as it stands, answers saved. Not before: a reload of a page with errors still sends
// what was typed again, instead of showing an empty field.
(function () {
  var visit = document.body.dataset.formAnswer;
  if (!visit || !window.history.replaceState) {
    return;
  }
  function leaving() {
    window.history.replaceState(window.history.state, "", visit);
  }
  document.addEventListener("submit", leaving);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (link && !event.defaultPrevented && link.getAttribute("href").charAt(0) !== "#") {
      leaving();
    }
  });
})();
