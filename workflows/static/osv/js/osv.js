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
})();
