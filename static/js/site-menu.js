// On a phone the header's menu folds behind one button. Without this script the menu stays open, as on a desk.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var header = document.querySelector("header.site");
    var button = header && header.querySelector(".menu-toggle");
    if (!button) {
      return;
    }
    header.classList.add("has-menu-button");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = header.classList.toggle("menu-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open")) {
        header.classList.remove("menu-open");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  });
})();
