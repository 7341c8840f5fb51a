/* "Načíst z ARES": pre-fills an intake form from the company register by IČO.
 *
 * Any element with data-ares-fill (an IČO input, or Viewflow's <vf-field-input> around it) gets
 * a button. data-ares-url is our JSON endpoint, data-ares-fill maps company fields to the names
 * of the form's inputs. Empty inputs are filled; an input the user has already typed into is
 * overwritten only after confirmation. When ARES cannot be reached the form says so and keeps
 * working by hand. No inline script (Content-Security-Policy).
 */
(function () {
  "use strict";
  var LABELS = { name: "Název / jméno", legal_form: "Právní forma", address: "Sídlo / adresa",
                 statutory_body: "Statutární orgán" };
  var UNAVAILABLE = "Registr ARES teď není dostupný. Vyplňte prosím údaje ručně, nebo to zkuste později.";

  function icoInput(el) {
    if (el.tagName === "INPUT") { return el; }
    var form = el.closest("form");
    var named = form && form.elements.namedItem(el.getAttribute("name"));
    return named || el.querySelector("input");
  }

  function setValue(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function say(status, text, isError) {
    status.textContent = text;
    status.className = "ares-status" + (isError ? " ares-error" : "");
    status.style.color = isError ? "#b00020" : "";  // CSSOM, allowed by a CSP without inline style
    status.style.fontWeight = isError ? "600" : "";
  }

  function apply(form, fill, company, status) {
    var filled = [], conflicts = [];
    Object.keys(fill).forEach(function (key) {
      var value = (company[key] || "").toString().trim();
      var input = form.elements.namedItem(fill[key]);
      if (!value || !input) { return; }
      var typed = (input.value || "").trim();
      if (!typed) { setValue(input, value); filled.push(key); }
      else if (typed !== value) { conflicts.push({ key: key, input: input, typed: typed, value: value }); }
    });
    var kept = [];
    if (conflicts.length) {
      var lines = conflicts.map(function (c) {
        return (LABELS[c.key] || c.key) + ": „" + c.typed + "“ → „" + c.value + "“";
      });
      var ok = window.confirm("Registr ARES uvádí jiné údaje, než jsou vyplněny:\n\n" + lines.join("\n") +
                              "\n\nPřepsat vyplněné údaje údaji z ARES?");
      conflicts.forEach(function (c) {
        if (ok) { setValue(c.input, c.value); filled.push(c.key); } else { kept.push(LABELS[c.key] || c.key); }
      });
    }
    var text = "Načteno z ARES: " + company.name + " (IČO " + company.ico + "), " +
               (company.active ? "subjekt je aktivní" : "POZOR: subjekt je podle ARES zaniklý nebo neaktivní") +
               (company.founded_on_display ? ", vznik " + company.founded_on_display : "") +
               (company.dissolved_on_display ? ", zánik " + company.dissolved_on_display : "") + ".";
    if (!Object.keys(fill).length && company.legal_form) { text += " Právní forma: " + company.legal_form + "."; }
    if (kept.length) { text += " Vyplněné údaje, které se od ARES liší, zůstaly beze změny: " + kept.join(", ") + "."; }
    say(status, text, !company.active);
  }

  function lookup(el, button, status) {
    var input = icoInput(el);
    var ico = input ? (input.value || "").replace(/\s+/g, "") : "";
    if (!ico) { say(status, "Zadejte nejprve IČO.", true); return; }
    var form = el.closest("form");
    var fill = JSON.parse(el.getAttribute("data-ares-fill") || "{}");
    button.disabled = true;
    say(status, "Hledám v registru ARES…", false);
    fetch(el.getAttribute("data-ares-url") + "?ico=" + encodeURIComponent(ico),
          { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return { ok: false, error: UNAVAILABLE }; });
      })
      .then(function (data) {
        if (data.ok) { apply(form, fill, data.company, status); }
        else { say(status, data.error || UNAVAILABLE, true); }
      })
      .catch(function () { say(status, UNAVAILABLE, true); })
      .then(function () { button.disabled = false; });
  }

  function init(root) {
    (root || document).querySelectorAll("[data-ares-fill]").forEach(function (el) {
      if (el.hasAttribute("data-ares-ready")) { return; }
      el.setAttribute("data-ares-ready", "1");
      var box = document.createElement("div");
      box.className = "ares-lookup";
      box.style.margin = ".25rem 0 .9rem";
      box.style.font = ".9rem/1.4 Roboto, system-ui, sans-serif";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ares-button button secondary small mdc-button mdc-button--outlined";
      button.textContent = "Načíst z ARES";
      var status = document.createElement("span");
      status.className = "ares-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      box.appendChild(button);
      box.appendChild(document.createTextNode(" "));
      box.appendChild(status);
      el.insertAdjacentElement("afterend", box);
      button.addEventListener("click", function () { lookup(el, button, status); });
    });
  }

  if (!window.osvAresInit) {
    window.osvAresInit = init;
    document.addEventListener("DOMContentLoaded", function () { init(document); });
    document.addEventListener("turbo:load", function () { init(document); });
  }
  if (document.readyState !== "loading") { init(document); }
})();
