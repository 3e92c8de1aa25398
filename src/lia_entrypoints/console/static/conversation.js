// The Conversa page's script (the CSP forbids inline ones). live.js re-reads the page's parts
// (marked data-refresh-on) when a realtime event about this conversation arrives; this keeps
// a part someone is typing in (a transfer's reason) from being replaced under their fingers:
// its refresh waits until the focus leaves it.
(function () {
  "use strict";

  var root = document.getElementById("conversa");
  if (!root) return;
  var stale = new Set();

  function typingIn(part) {
    var active = document.activeElement;
    return active && active !== document.body && part.contains(active) &&
      /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var part = event.detail.elt;
    if (!part || !part.hasAttribute("data-refresh-on") || !root.contains(part)) return;
    if (typingIn(part)) {
      event.preventDefault();
      stale.add(part);
    }
  });

  document.addEventListener("focusout", function (event) {
    stale.forEach(function (part) {
      if (!part.contains(event.target)) return;
      // The focus lands after focusout: look again once it has.
      window.setTimeout(function () {
        if (!typingIn(part) && stale.delete(part) && window.htmx) {
          window.htmx.trigger(part, "lia:refresh");
        }
      }, 0);
    });
  });
})();
