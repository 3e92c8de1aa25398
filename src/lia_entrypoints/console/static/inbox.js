// The Atendimento page's script (the CSP forbids inline ones). live.js refreshes the panel on
// realtime events; this tells screen-reader users when an offer for them arrives with it (the
// panel's new content is not itself announced).
(function () {
  "use strict";

  var panel = document.getElementById("inbox-panel");
  var news = document.getElementById("inbox-news");
  if (!panel || !news) return;

  function offerIds() {
    return Array.prototype.map.call(panel.querySelectorAll("[data-offer]"), function (offer) {
      return offer.getAttribute("data-offer");
    });
  }

  var known = new Set(offerIds());

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== panel) return;
    var current = offerIds();
    var fresh = current.filter(function (id) { return !known.has(id); });
    known = new Set(current);
    if (!fresh.length) return;
    news.textContent = fresh.length === 1
      ? "Uma conversa foi oferecida a você. Aceite ou recuse no topo da lista."
      : fresh.length + " conversas foram oferecidas a você. Aceite ou recuse no topo da lista.";
  });
})();
