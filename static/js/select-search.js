/* A search box before each long list of choices (select[data-searchable]), as progressive enhancement.

   Typing narrows the list to the options whose text holds every word typed (a unit's code or any part of its
   name; Thai digits read as Arabic, letters compared without case) and says how many are left; when exactly one
   is left it is chosen. The <select> and its values stay what the form posts, so without the script, or after
   clearing the box, it is the whole list again. Enter in the box moves to the list rather than sending the form.
   No inline script or style: the page's Content-Security-Policy allows neither. */
(function () {
  "use strict";

  var THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";
  var strings = readStrings();

  function readStrings() {
    var block = document.getElementById("widget-strings");
    var all = block ? JSON.parse(block.textContent) : {};
    return all.search || {
      label: "พิมพ์รหัสหรือชื่อหน่วยงานเพื่อค้นหา", placeholder: "", found: "พบ {n} หน่วยงาน",
      one: "พบ 1 หน่วยงาน เลือกให้แล้ว", none: "ไม่พบหน่วยงานที่ตรงกับคำค้น รายการยังแสดงทั้งหมด"
    };
  }

  function normalize(text) {
    return (text || "")
      .replace(/[๐-๙]/g, function (digit) { return String(THAI_DIGITS.indexOf(digit)); })
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  var idCounter = 0;

  function enhance(select) {
    if (select.dataset.searchReady) { return; }
    select.dataset.searchReady = "1";
    idCounter += 1;
    var baseId = select.id || "select-search-" + idCounter;

    var options = Array.prototype.map.call(select.options, function (option) {
      return { option: option, text: normalize(option.textContent), blank: option.value === "" };
    });
    var blank = options.filter(function (entry) { return entry.blank; })[0];
    var choices = options.filter(function (entry) { return !entry.blank; });

    var box = document.createElement("span");
    box.className = "select-search";
    var label = document.createElement("label");
    label.htmlFor = baseId + "-search";
    label.textContent = strings.label;
    var input = document.createElement("input");
    input.type = "search";
    input.id = baseId + "-search";
    input.autocomplete = "off";
    if (strings.placeholder) { input.placeholder = strings.placeholder; }
    input.setAttribute("aria-controls", select.id || "");
    var status = document.createElement("small");
    status.className = "muted select-search-status";
    status.id = baseId + "-search-status";
    status.setAttribute("role", "status");
    input.setAttribute("aria-describedby", status.id);
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select);

    function show(entries) {
      var selected = select.value;
      var kept = (blank ? [blank] : []).concat(entries);
      select.replaceChildren.apply(select, kept.map(function (entry) { return entry.option; }));
      var stillThere = kept.some(function (entry) { return entry.option.value === selected; });
      if (entries.length === 1) {
        select.value = entries[0].option.value;
      } else if (!stillThere) {
        // The chosen unit no longer matches: the list shows no choice rather than one the person did not pick.
        select.value = blank ? "" : entries[0].option.value;
      } else {
        select.value = selected;
      }
      if (select.value !== selected) {
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }

    function filter() {
      var words = normalize(input.value).split(" ").filter(Boolean);
      if (!words.length) {
        show(choices);
        status.textContent = "";
        return;
      }
      var matches = choices.filter(function (entry) {
        return words.every(function (word) { return entry.text.indexOf(word) !== -1; });
      });
      if (!matches.length) {
        show(choices);
        status.textContent = strings.none;
        return;
      }
      show(matches);
      status.textContent = matches.length === 1 ? strings.one : strings.found.replace("{n}", matches.length);
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        select.focus();
      }
    });
  }

  function enhanceAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("select[data-searchable]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(); });
  } else {
    enhanceAll();
  }
  window.selectSearch = { enhanceAll: enhanceAll };
}());
