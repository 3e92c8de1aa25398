// The console's only script (the CSP forbids inline ones): modal dialogs over htmx swaps.
(function () {
  "use strict";

  // A fragment swapped into #modal carries a <dialog>: open it as a modal (focus moves into it,
  // Escape closes it) and give the container back when it closes.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "modal") return;
    var dialog = target.querySelector("dialog");
    if (dialog && !dialog.open) {
      dialog.addEventListener("close", function () { target.innerHTML = ""; });
      dialog.showModal();
    }
  });

  // Buttons marked data-close close their dialog without a request.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-close]");
    if (!button) return;
    var dialog = button.closest("dialog");
    if (dialog) {
      event.preventDefault();
      dialog.close();
    }
  });

  // A list button (Pausar, Retomar, Ativar agora) replaced the Falha Massiva panel in place and
  // the pressed button is gone: keyboard focus continues from the panel, not the page's top.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var config = event.detail.requestConfig;
    if (target && target.id === "failure-panel" && config && config.verb === "post") {
      target.focus();
    }
  });

  // A live check swapped in beside a field (the failure message's preview, marked
  // data-checks="<field id>") says whether the field is still refused: keep its aria-invalid true
  // only while the check shows an error, so a fixed field stops being announced as invalid.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var fieldId = target && target.getAttribute("data-checks");
    var field = fieldId && document.getElementById(fieldId);
    if (!field) return;
    if (target.querySelector(".error")) {
      field.setAttribute("aria-invalid", "true");
    } else {
      field.removeAttribute("aria-invalid");
    }
  });

  // After a swap that replaced the main area (an error page, a redirect target), move focus
  // there so keyboard and screen-reader users know the page changed.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "main") {
      event.detail.target.focus();
    }
  });
})();
