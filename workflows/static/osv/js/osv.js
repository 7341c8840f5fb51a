/* osv-agenda: the little script the pages need, as a static file (the Content-Security-Policy
   allows no inline script). */
(function () {
  "use strict";
  // print variant of a case page: /pripady/<id>/tisk/?auto=1 opens the print dialogue
  window.addEventListener("load", function () {
    if (document.body && document.body.hasAttribute("data-osv-autoprint") &&
        location.search.indexOf("auto=1") >= 0) {
      window.print();
    }
  });
  // "Zpět" buttons of Viewflow's screens (their onclick= is replaced by data-osv-back)
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-osv-back]") : null;
    if (!target) { return; }
    event.preventDefault();
    window.history.back();
  });

  // ---------------------------------------------------------------- the one Czech date input
  // (workflows.forms_widgets.CzechDateInput): the text box takes "24. 11. 2026"; a native
  // calendar beside it fills it in. Without script the text box alone works.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function parseDate(text) {
    var t = String(text || "").replace(/\u00a0/g, " ").trim(), m;
    m = /^(\d{1,2})\s*\.\s*(\d{1,2})\s*\.\s*(\d{4})$/.exec(t);
    if (m) { return [+m[3], +m[2], +m[1]]; }
    m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
    if (m) { return [+m[1], +m[2], +m[3]]; }
    return null;
  }
  function realDate(p) {
    if (!p) { return false; }
    var d = new Date(p[0], p[1] - 1, p[2]);
    return d.getFullYear() === p[0] && d.getMonth() === p[1] - 1 && d.getDate() === p[2];
  }
  function labelOf(input) {
    var label = input.labels && input.labels[0];
    if (!label) { return input.getAttribute("aria-label") || ""; }
    var copy = label.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".req, .visually-hidden"), function (n) { n.remove(); });
    return copy.textContent.trim();
  }
  function enhanceDate(input) {
    if (input.getAttribute("data-osv-date") === "ready") { return; }
    input.setAttribute("data-osv-date", "ready");
    var wrap = document.createElement("span");
    wrap.className = "date-field";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var picker = document.createElement("input");
    picker.type = "date";
    picker.className = "date-picker";
    picker.tabIndex = -1;  // the keyboard types the date into the text box
    picker.min = "2000-01-01";
    picker.max = "2100-12-31";
    picker.title = "Vybrat datum v kalendáři";
    picker.setAttribute("aria-label", "Kalendář: " + labelOf(input));
    if (input.disabled) { picker.disabled = true; }
    wrap.appendChild(picker);
    function toPicker() {
      var p = parseDate(input.value);
      picker.value = realDate(p) ? p[0] + "-" + pad(p[1]) + "-" + pad(p[2]) : "";
    }
    toPicker();
    input.addEventListener("input", toPicker);
    input.addEventListener("blur", function () {  // "24.11.2026" / ISO → "24. 11. 2026"
      var p = parseDate(input.value);
      if (realDate(p)) { input.value = p[2] + ". " + p[1] + ". " + p[0]; }
    });
    picker.addEventListener("change", function () {
      if (!picker.value) { return; }
      var p = picker.value.split("-");
      input.value = (+p[2]) + ". " + (+p[1]) + ". " + p[0];
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  // ---------------------------------------------------------------- searchable multi-select
  // (workflows.forms_widgets.SearchableSelectMultiple): the <select multiple> stays in the form,
  // hidden; a filter box and one checkbox per option drive it. Without script: the plain list.
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function countText(n) {
    if (n === 0) { return "nic nevybráno"; }
    if (n === 1) { return "vybrána 1 položka"; }
    if (n >= 2 && n <= 4) { return "vybrány " + n + " položky"; }
    return "vybráno " + n + " položek";
  }
  function enhanceMulti(select) {
    if (select.getAttribute("data-osv-multiselect") === "ready" || !select.multiple) { return; }
    select.setAttribute("data-osv-multiselect", "ready");
    var id = select.id || ("ms_" + select.name);
    var label = select.labels && select.labels[0];
    var box = document.createElement("div");
    box.className = "multiselect";
    box.setAttribute("data-osv-multiselect-for", select.name);
    var filter = document.createElement("input");
    filter.type = "search";
    filter.id = id + "_filter";
    filter.className = "multiselect-filter";
    filter.placeholder = "Hledat v seznamu…";
    filter.autocomplete = "off";
    filter.setAttribute("data-osv-focus-for", id);
    var status = document.createElement("span");
    status.className = "multiselect-count";
    status.id = id + "_count";
    status.setAttribute("aria-live", "polite");
    var list = document.createElement("ul");
    list.className = "multiselect-options";
    list.id = id + "_options";
    box.setAttribute("role", "group");
    if (label) {
      if (!label.id) { label.id = id + "_label"; }
      label.htmlFor = filter.id;  // the field's label names the filter box…
      box.setAttribute("aria-labelledby", label.id);  // …and the group of boxes
    } else {
      filter.setAttribute("aria-label", "Hledat");
    }
    filter.setAttribute("aria-controls", list.id);
    filter.setAttribute("aria-describedby", [status.id, select.getAttribute("aria-describedby")].filter(Boolean).join(" "));
    var empty = document.createElement("li");
    empty.className = "muted";
    empty.hidden = true;
    empty.textContent = "Hledanému textu nic neodpovídá.";
    var boxes = [];
    Array.prototype.forEach.call(select.options, function (option, i) {
      var li = document.createElement("li");
      var cb = document.createElement("input");
      cb.type = "checkbox";
      cb.id = id + "_o" + i;
      cb.value = option.value;
      cb.checked = option.selected;
      cb.disabled = option.disabled || select.disabled;
      var text = document.createElement("label");
      text.htmlFor = cb.id;
      text.textContent = option.textContent;
      cb.addEventListener("change", function () {
        option.selected = cb.checked;
        update();
        select.dispatchEvent(new Event("change", { bubbles: true }));
      });
      li.appendChild(cb);
      li.appendChild(text);
      list.appendChild(li);
      boxes.push({ li: li, cb: cb, key: fold(option.textContent) });
    });
    list.appendChild(empty);
    function visible() { return boxes.filter(function (b) { return !b.li.hidden; }); }
    function update() {
      var n = boxes.filter(function (b) { return b.cb.checked; }).length;
      var shown = visible().length;
      status.textContent = countText(n) + (shown < boxes.length ? " · zobrazeno " + shown + " z " + boxes.length : "");
      empty.hidden = shown > 0;
    }
    filter.addEventListener("input", function () {
      var q = fold(filter.value.trim());
      boxes.forEach(function (b) { b.li.hidden = q !== "" && b.key.indexOf(q) < 0; });
      update();
    });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // never submits the form
      if (event.key === "ArrowDown") {
        var first = visible()[0];
        if (first) { event.preventDefault(); first.cb.focus(); }
      }
    });
    list.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") { return; }
      var shown = visible(), at = -1;
      shown.forEach(function (b, i) { if (b.cb === document.activeElement) { at = i; } });
      if (at < 0) { return; }
      event.preventDefault();
      if (event.key === "ArrowDown" && at < shown.length - 1) { shown[at + 1].cb.focus(); }
      if (event.key === "ArrowUp") { (at > 0 ? shown[at - 1].cb : filter).focus(); }
    });
    box.appendChild(filter);
    box.appendChild(status);
    box.appendChild(list);
    select.parentNode.insertBefore(box, select.nextSibling);
    select.hidden = true;
    select.tabIndex = -1;
    update();
  }
  // the error summary links to a field's id: a hidden select hands the focus to its filter box
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".error-summary a[href^='#']") : null;
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    var proxy = target && target.hidden && document.querySelector("[data-osv-focus-for='" + target.id + "']");
    if (proxy) { event.preventDefault(); proxy.focus(); }
  });

  // ---------------------------------------------------------------- process diagram zoom
  // (templates/osv/case_detail.html): −, +, whole diagram, real size; the current step in view.
  function enhanceZoom(tools) {
    var box = document.getElementById(tools.getAttribute("data-osv-zoom-for"));
    var svg = box && box.querySelector("svg");
    if (!svg) { return; }
    var width = +svg.getAttribute("data-width"), height = +svg.getAttribute("data-height");
    var level = tools.querySelector("[data-zoom-level]");
    var scale = 1;
    function apply(next) {
      scale = Math.max(0.2, Math.min(2.5, next));
      svg.setAttribute("width", Math.round(width * scale));
      svg.setAttribute("height", Math.round(height * scale));
      if (level) { level.textContent = "měřítko " + Math.round(scale * 100) + " %"; }
    }
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-zoom]");
      if (!button) { return; }
      var how = button.getAttribute("data-zoom");
      if (how === "in") { apply(scale * 1.25); }
      if (how === "out") { apply(scale / 1.25); }
      if (how === "reset") { apply(1); }
      if (how === "fit") { apply((box.clientWidth - 16) / width); }
    });
    tools.hidden = false;
    apply(1);
    var current = svg.querySelector("g[data-current]");
    if (current && current.getBBox) {  // scroll the current step into the middle of the box
      var ctm = current.getCTM(), boxRect = box.getBoundingClientRect(), rect = current.getBoundingClientRect();
      if (ctm) {
        box.scrollLeft += rect.left - boxRect.left - box.clientWidth / 2 + rect.width / 2;
        box.scrollTop += rect.top - boxRect.top - box.clientHeight / 2 + rect.height / 2;
      }
    }
  }

  function enhance() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-osv-zoom-for]"), enhanceZoom);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-osv-date]"), enhanceDate);
    Array.prototype.forEach.call(document.querySelectorAll("select[data-osv-multiselect]"), enhanceMulti);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
