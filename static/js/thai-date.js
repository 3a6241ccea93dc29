/* A calendar beside every date box (input[data-thai-date]), as progressive enhancement.

   The text box stays what it was: the person may type 15/06/2569, 15 มิ.ย. 2569 or 2569-06-15, and the text is
   what the form posts (accounts.forms_lifecycle.ThaiDateField reads it). The button opens a small calendar with
   Thai months and Buddhist Era years; choosing a day writes it into the box as dd/mm/yyyy in the Buddhist Era.

   Keyboard: arrows move a day or a week, Page Up / Page Down a month (with Shift a year), Home / End the start and
   end of the week, Enter or Space choose, Esc closes and gives the focus back to the button.
   No inline script or style: the page's Content-Security-Policy allows neither. */
(function () {
  "use strict";

  var BE_OFFSET = 543;
  var THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";
  var strings = readStrings();

  function readStrings() {
    var block = document.getElementById("widget-strings");
    var all = block ? JSON.parse(block.textContent) : {};
    return all.date || {
      open: "เลือกวันที่", dialog: "ปฏิทิน เลือกวันที่", previous: "เดือนก่อนหน้า", next: "เดือนถัดไป",
      today: "วันนี้", close: "ปิด", help: "",
      months: ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
        "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"],
      weekdays: ["อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"]
    };
  }

  function arabicDigits(text) {
    return text.replace(/[๐-๙]/g, function (digit) { return String(THAI_DIGITS.indexOf(digit)); });
  }

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  function validDate(year, month, day) {
    if (year >= 2400) { year -= BE_OFFSET; }  // as the server reads it: 2400 and later is the Buddhist Era
    var date = new Date(year, month - 1, day);
    return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day ? date : null;
  }

  /* The day already in the box, when it reads as one (so the calendar opens on it); null otherwise. */
  function parseTyped(text) {
    var cleaned = arabicDigits(text || "").trim().replace(/\s+/g, " ");
    var match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(cleaned);
    if (match) { return validDate(+match[1], +match[2], +match[3]); }
    match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(cleaned);
    if (match) { return validDate(+match[3], +match[2], +match[1]); }
    return null;
  }

  function formatBE(date) {
    return pad(date.getDate()) + "/" + pad(date.getMonth() + 1) + "/" + (date.getFullYear() + BE_OFFSET);
  }

  function spoken(date) {
    return date.getDate() + " " + strings.months[date.getMonth()] + " " + (date.getFullYear() + BE_OFFSET);
  }

  function sameDay(a, b) {
    return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  function addDays(date, days) { return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days); }

  function addMonths(date, months) {
    var target = new Date(date.getFullYear(), date.getMonth() + months, 1);
    var last = new Date(target.getFullYear(), target.getMonth() + 1, 0).getDate();
    return new Date(target.getFullYear(), target.getMonth(), Math.min(date.getDate(), last));
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function calendarIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M7 2h2v2h6V2h2v2h3a1 1 0 0 1 1 1v15a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1h3V2zm12 " +
      "8H5v9h14v-9zM5 8h14V6H5v2zm2 4h3v3H7v-3z");
    svg.appendChild(path);
    return svg;
  }

  var idCounter = 0;

  function enhance(input) {
    if (input.dataset.thaiDateReady) { return; }
    input.dataset.thaiDateReady = "1";
    idCounter += 1;
    var popupId = (input.id || "thai-date-" + idCounter) + "-calendar";

    var wrapper = element("span", "thai-date");
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    var button = element("button", "thai-date-button");
    button.type = "button";
    button.setAttribute("aria-label", strings.open);
    button.setAttribute("title", strings.open);
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", popupId);
    button.appendChild(calendarIcon());
    wrapper.appendChild(button);

    var popup = element("div", "thai-date-popup");
    popup.id = popupId;
    popup.hidden = true;
    popup.setAttribute("role", "dialog");
    popup.setAttribute("aria-label", strings.dialog);
    var head = element("div", "thai-date-head");
    var previous = element("button", "thai-date-previous", "‹");
    previous.type = "button";
    previous.setAttribute("aria-label", strings.previous);
    var title = element("span", "thai-date-title");
    title.id = popupId + "-title";
    title.setAttribute("aria-live", "polite");
    var next = element("button", "thai-date-next", "›");
    next.type = "button";
    next.setAttribute("aria-label", strings.next);
    head.appendChild(previous);
    head.appendChild(title);
    head.appendChild(next);
    var grid = element("table", "thai-date-grid");
    grid.setAttribute("role", "grid");
    grid.setAttribute("aria-labelledby", title.id);
    var headRow = element("tr");
    strings.weekdays.forEach(function (name) {
      var cell = element("th", "", name);
      cell.setAttribute("scope", "col");
      headRow.appendChild(cell);
    });
    var thead = element("thead");
    thead.appendChild(headRow);
    var body = element("tbody");
    grid.appendChild(thead);
    grid.appendChild(body);
    var foot = element("div", "thai-date-foot");
    var todayButton = element("button", "secondary thai-date-today", strings.today);
    todayButton.type = "button";
    var close = element("button", "secondary thai-date-close", strings.close);
    close.type = "button";
    foot.appendChild(todayButton);
    foot.appendChild(close);
    popup.appendChild(head);
    popup.appendChild(grid);
    if (strings.help) {
      var help = element("p", "thai-date-help", strings.help);
      help.id = popupId + "-help";
      popup.setAttribute("aria-describedby", help.id);
      popup.appendChild(help);
    }
    popup.appendChild(foot);
    wrapper.appendChild(popup);

    var focused = null;  // the day that has the keyboard focus

    function render() {
      var today = new Date();
      var chosen = parseTyped(input.value);
      title.textContent = strings.months[focused.getMonth()] + " " + (focused.getFullYear() + BE_OFFSET);
      body.textContent = "";
      var first = new Date(focused.getFullYear(), focused.getMonth(), 1);
      var day = addDays(first, -first.getDay());
      for (var week = 0; week < 6; week += 1) {
        var row = element("tr");
        for (var weekday = 0; weekday < 7; weekday += 1) {
          var cell = element("td");
          var dayButton = element("button", "thai-date-day", String(day.getDate()));
          dayButton.type = "button";
          dayButton.dataset.date = day.getFullYear() + "-" + pad(day.getMonth() + 1) + "-" + pad(day.getDate());
          dayButton.setAttribute("aria-label", spoken(day));
          dayButton.tabIndex = sameDay(day, focused) ? 0 : -1;
          if (day.getMonth() !== focused.getMonth()) { dayButton.classList.add("outside"); }
          if (sameDay(day, today)) { dayButton.setAttribute("aria-current", "date"); }
          if (sameDay(day, chosen)) {
            dayButton.setAttribute("aria-pressed", "true");
            cell.setAttribute("aria-selected", "true");
          }
          cell.appendChild(dayButton);
          row.appendChild(cell);
          day = addDays(day, 1);
        }
        body.appendChild(row);
        if (day.getMonth() !== focused.getMonth() && week >= 3) { break; }
      }
    }

    function focusDay() {
      var current = body.querySelector("button[tabindex='0']");
      if (current) { current.focus(); }
    }

    function moveTo(date) {
      focused = date;
      render();
      focusDay();
    }

    function open() {
      focused = parseTyped(input.value) || new Date();
      render();
      popup.hidden = false;
      button.setAttribute("aria-expanded", "true");
      // Kept inside the screen on a phone: open towards the left when there is no room on the right.
      wrapper.classList.remove("align-end");
      if (popup.getBoundingClientRect().right > document.documentElement.clientWidth) {
        wrapper.classList.add("align-end");
      }
      focusDay();
      document.addEventListener("mousedown", outside, true);
    }

    function shut(returnFocus) {
      if (popup.hidden) { return; }
      popup.hidden = true;
      button.setAttribute("aria-expanded", "false");
      document.removeEventListener("mousedown", outside, true);
      if (returnFocus) { button.focus(); }
    }

    function outside(event) {
      if (!wrapper.contains(event.target)) { shut(false); }
    }

    function choose(date) {
      input.value = formatBE(date);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      shut(false);
      input.focus();
    }

    button.addEventListener("click", function () {
      if (popup.hidden) { open(); } else { shut(true); }
    });
    previous.addEventListener("click", function () { focused = addMonths(focused, -1); render(); });
    next.addEventListener("click", function () { focused = addMonths(focused, 1); render(); });
    todayButton.addEventListener("click", function () { choose(new Date()); });
    close.addEventListener("click", function () { shut(true); });
    body.addEventListener("click", function (event) {
      var target = event.target.closest("button.thai-date-day");
      if (target) {
        var parts = target.dataset.date.split("-");
        choose(new Date(+parts[0], +parts[1] - 1, +parts[2]));
      }
    });
    body.addEventListener("keydown", function (event) {
      var moves = {
        ArrowLeft: function () { return addDays(focused, -1); },
        ArrowRight: function () { return addDays(focused, 1); },
        ArrowUp: function () { return addDays(focused, -7); },
        ArrowDown: function () { return addDays(focused, 7); },
        Home: function () { return addDays(focused, -focused.getDay()); },
        End: function () { return addDays(focused, 6 - focused.getDay()); },
        PageUp: function () { return addMonths(focused, event.shiftKey ? -12 : -1); },
        PageDown: function () { return addMonths(focused, event.shiftKey ? 12 : 1); }
      };
      if (moves[event.key]) {
        event.preventDefault();
        moveTo(moves[event.key]());
      }
    });
    // Tabbing out of the calendar closes it (it is not modal: the page stays usable around it).
    wrapper.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !wrapper.contains(event.relatedTarget)) { shut(false); }
    });
    popup.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        shut(true);
      }
    });
  }

  function enhanceAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("input[data-thai-date]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(); });
  } else {
    enhanceAll();
  }
  window.thaiDatePicker = { enhanceAll: enhanceAll, parseTyped: parseTyped, formatBE: formatBE };
}());
