// On a phone a wide table scrolls inside its own box (app.css). A box that scrolls must be reachable from the
// keyboard: each table that is wider than its box gets tabindex="0" (and loses it when the window grows again).
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.closest(".table-scroll")) {
        return;  // its wrapper already scrolls and takes the focus
      }
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
