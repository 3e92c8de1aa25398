// The Conversa page's script (the CSP forbids inline ones): re-read the page's parts when a
// realtime event about this conversation arrives. static/live.js re-dispatches every frame of
// the console's WebSocket as a "lia:realtime" DOM event whose detail is the frame:
// {type: "events", events: [{event, data}, ...]} or {type: "resync"}.
(function () {
  "use strict";

  var root = document.getElementById("conversa");
  if (!root) return;
  var conversationId = root.getAttribute("data-conversation");

  // Which parts each event kind changes.
  var PARTS = {
    "message.received": ["mensagens"],
    "message.sent": ["mensagens"],
    "message.status_updated": ["mensagens"],
    "ticket.updated": ["atendimento", "notas", "historico", "mensagens"]
  };
  var CONVERSATION_PARTS = ["atendimento", "historico"];
  var ALL = ["mensagens", "notas", "atendimento", "historico"];
  var stale = {};

  function partOf(name) {
    return document.querySelector('[data-part="' + name + '"]');
  }

  // A part holding the keyboard focus (someone typing a transfer's reason) waits until the
  // focus leaves it, so a refresh never throws away what is being typed.
  function refresh(name) {
    var part = partOf(name);
    if (!part || !window.htmx) return;
    if (part.contains(document.activeElement) && document.activeElement !== document.body) {
      stale[name] = true;
      return;
    }
    stale[name] = false;
    window.htmx.trigger(part, "conversa-refresh");
  }

  document.addEventListener("focusout", function (event) {
    ALL.forEach(function (name) {
      var part = partOf(name);
      if (stale[name] && part && part.contains(event.target)) {
        // The focus moves after focusout: look again once it has landed.
        window.setTimeout(function () { refresh(name); }, 0);
      }
    });
  });

  function ticketId() {
    return root.getAttribute("data-ticket") || "";
  }

  function partsFor(kind, data) {
    var mine = data && (data.conversation_id === conversationId ||
      (ticketId() !== "" && data.ticket_id === ticketId()));
    if (!mine) return [];
    if (PARTS[kind]) return PARTS[kind];
    if (kind.indexOf("conversation.") === 0) return CONVERSATION_PARTS;
    return [];
  }

  function handle(frame) {
    if (!frame) return;
    if (frame.type === "resync") {
      ALL.forEach(refresh);
      return;
    }
    var events = frame.type === "events" ? frame.events || [] : (frame.event ? [frame] : []);
    var wanted = {};
    events.forEach(function (item) {
      partsFor(item.event || "", item.data).forEach(function (name) { wanted[name] = true; });
    });
    Object.keys(wanted).forEach(refresh);
  }

  document.addEventListener("lia:realtime", function (event) { handle(event.detail); });
})();
