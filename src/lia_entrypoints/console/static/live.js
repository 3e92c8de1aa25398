// The console's live layer (docs/console.md "Live pages"), loaded on every signed-in page:
//  1. the realtime socket /console/realtime, re-dispatched as `lia:realtime` DOM events, and
//     reconnected when it drops (with a status line for the person, and a resync after);
//  2. elements marked data-refresh-on re-fetched with htmx when a matching event arrives;
//  3. the presence heartbeat (POST /console/presenca every 20 s) and the status picker;
//  4. countdowns: any [data-countdown-to="<ISO instant>"] shows the time left, each second.
(function () {
  "use strict";

  var script = document.currentScript;
  var base = script.getAttribute("data-console") || "/console";
  var user = script.getAttribute("data-user") || "";
  // The server's clock at render time: countdowns run on it, so a skewed browser clock (or a
  // server on a fixed test clock) still shows the time the server will act on.
  var serverNow = Date.parse(script.getAttribute("data-now") || "");
  var skew = isNaN(serverNow) ? 0 : serverNow - Date.now();
  var HEARTBEAT_MS = 20000;
  var MAX_BACKOFF_MS = 30000;
  var REFRESH_DEBOUNCE_MS = 250;
  var PRESENCE_KEY = "lia.presence." + user;

  document.documentElement.classList.add("live");

  function csrfHeaders() {
    var headers = {};
    try {
      var raw = document.body.getAttribute("hx-headers");
      var parsed = raw ? JSON.parse(raw) : {};
      Object.keys(parsed).forEach(function (name) { headers[name] = parsed[name]; });
    } catch (ignored) { /* no token: the server answers 403 and the next beat retries */ }
    return headers;
  }

  // ---- 1. The socket -------------------------------------------------------------------
  // A dropped socket (server restart, network gone) is retried with a doubling backoff from
  // 1 s to 30 s, each wait drawn between half and all of it, so the pages of a restarted
  // server do not all knock at the same instant. While it is down, #live-status says so (after
  // a short grace, so a blip does not flash), and the first `ready` after a drop is a resync:
  // every data-refresh-on part is fetched again once, and the presence beats at once.
  var socket = null;
  var backoff = 1000;
  var dropped = false;
  var watchdog = null;
  var statusTimer = null;
  var heartbeatSeconds = 25;
  var STATUS_GRACE_MS = 1500;
  var RECONNECTING = "Sem conexão com o servidor: atualizações ao vivo pausadas. Reconectando…";
  var ENDED = "Sua sessão terminou: atualizações ao vivo pausadas. Recarregue a página para entrar de novo.";
  var REFUSED = "Atualizações ao vivo indisponíveis nesta página. Recarregue a página.";

  function setState(state) {
    document.body.setAttribute("data-realtime", state);
  }

  // #live-status is a live region present from the start (screen readers then read what
  // comes into it); the line itself exists only while there is something to say.
  function showStatus(text) {
    if (statusTimer) clearTimeout(statusTimer);
    statusTimer = null;
    var box = document.getElementById("live-status");
    if (!box) return;
    if (!text) { box.textContent = ""; return; }
    var line = box.firstElementChild;
    if (!line) {
      line = document.createElement("p");
      line.className = "live-status";
      line.setAttribute("role", "status");
      box.appendChild(line);
    }
    if (line.textContent !== text) line.textContent = text;
  }

  function dispatch(frame) {
    document.dispatchEvent(new CustomEvent("lia:realtime", { detail: frame }));
  }

  function armWatchdog() {
    // No frame for twice the server's heartbeat: the connection is dead though not closed.
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(function () { if (socket) socket.close(); }, heartbeatSeconds * 2000);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    setState("connecting");
    socket = new WebSocket(scheme + "//" + location.host + base + "/realtime");
    socket.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (ignored) { return; }
      armWatchdog();
      if (frame.type === "ready") {
        heartbeatSeconds = frame.heartbeat_seconds || heartbeatSeconds;
        backoff = 1000;
        setState("open");
        showStatus("");
        if (dropped) {
          // Events committed while we were away are lost: a reconnect is a resync.
          dropped = false;
          dispatch({ type: "resync" });
          beat();
        }
      } else if (frame.type === "events" || frame.type === "resync") {
        dispatch(frame);
      }
    };
    socket.onclose = function (closed) {
      if (watchdog) clearTimeout(watchdog);
      socket = null;
      dropped = true;
      setState("closed");
      // 4401: the session ended; 4403: refused for good. Reloading shows the sign-in page.
      if (closed.code === 4401 || closed.code === 4403) {
        showStatus(closed.code === 4401 ? ENDED : REFUSED);
        return;
      }
      if (!statusTimer) statusTimer = setTimeout(function () { showStatus(RECONNECTING); }, STATUS_GRACE_MS);
      setTimeout(connect, backoff / 2 + Math.floor(Math.random() * backoff / 2));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
  }

  // ---- 2. Fragments refreshed on events -------------------------------------------------
  // <div hx-get="…" hx-trigger="lia:refresh" data-refresh-on="conversation.assigned …"
  //      data-refresh-conversation="<id>"> is re-fetched (debounced) when an event of one of
  // those kinds ("*": any) arrives, for that conversation if given; a resync refreshes all.
  var pending = new Map();

  function wants(element, item) {
    var kinds = (element.getAttribute("data-refresh-on") || "").split(/\s+/);
    if (kinds.indexOf("*") < 0 && kinds.indexOf(item.event) < 0) return false;
    var only = element.getAttribute("data-refresh-conversation");
    return !only || (item.data && item.data.conversation_id === only);
  }

  // At most one refresh per element per delay (data-refresh-delay, ms): a burst of events is
  // one request, made after the burst's first event plus the delay.
  function refresh(element) {
    if (pending.has(element)) return;
    var delay = parseInt(element.getAttribute("data-refresh-delay") || "", 10);
    pending.set(element, setTimeout(function () {
      pending.delete(element);
      if (document.body.contains(element) && window.htmx) window.htmx.trigger(element, "lia:refresh");
    }, isNaN(delay) ? REFRESH_DEBOUNCE_MS : delay));
  }

  document.addEventListener("lia:realtime", function (event) {
    var frame = event.detail;
    var targets = document.querySelectorAll("[data-refresh-on]");
    targets.forEach(function (element) {
      if (frame.type === "resync" || (frame.events || []).some(function (item) { return wants(element, item); })) {
        refresh(element);
      }
    });
  });

  // ---- 3. Presence --------------------------------------------------------------------------
  // The agent's chosen status lives in this browser (every tab agrees); a new browser starts
  // online, as opening the console means being there. Each beat carries the chosen status.
  function chosen() {
    try { return localStorage.getItem(PRESENCE_KEY) || "online"; } catch (ignored) { return "online"; }
  }

  function beat() {
    var headers = csrfHeaders();
    headers["HX-Request"] = "true";
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    fetch(base + "/presenca", {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: "status=" + encodeURIComponent(chosen()),
    }).then(function (response) {
      document.body.setAttribute("data-presence", response.ok ? chosen() : "error");
    }, function () {
      document.body.setAttribute("data-presence", "error");
    });
  }

  function showChoice() {
    var picker = document.getElementById("presence-status");
    if (picker) picker.value = chosen();
  }

  document.addEventListener("change", function (event) {
    if (event.target.id !== "presence-status") return;
    try { localStorage.setItem(PRESENCE_KEY, event.target.value); } catch (ignored) { /* private mode */ }
    beat();
  });
  // Another tab changed the status: show it here too.
  window.addEventListener("storage", function (event) {
    if (event.key === PRESENCE_KEY) showChoice();
  });
  document.addEventListener("submit", function (event) {
    if (event.target.id !== "presence-form") return;
    event.preventDefault();  // the select's change already beat; no page reload needed
  });

  // ---- 4. Countdowns ------------------------------------------------------------------------
  function pad(number) { return number < 10 ? "0" + number : String(number); }

  function remaining(ms) {
    var seconds = Math.floor(Math.abs(ms) / 1000);
    var hours = Math.floor(seconds / 3600);
    var text = (hours ? hours + ":" + pad(Math.floor(seconds / 60) % 60) : pad(Math.floor(seconds / 60))) + ":" + pad(seconds % 60);
    return ms < 0 ? "-" + text : text;
  }

  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll("[data-countdown-to]").forEach(function (element) {
      var due = Date.parse(element.getAttribute("data-countdown-to"));
      if (isNaN(due)) return;
      var left = due - now;
      element.textContent = remaining(left);
      element.classList.toggle("is-overdue", left < 0);
    });
  }

  showChoice();
  tick();
  setInterval(tick, 1000);
  connect();
  beat();
  setInterval(beat, HEARTBEAT_MS);
})();
