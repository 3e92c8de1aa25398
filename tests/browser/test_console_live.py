"""live.js in a real browser: the realtime socket opens and re-dispatches events as
`lia:realtime`, the presence heartbeat makes the agent online (the picker changes it),
`data-countdown-to` elements count down, and a page outlives a restart of `lia serve`
(it says live updates are paused, reconnects, catches up and hears events again)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, WebSocketRoute, expect

from .conftest import LiveServer, ServeProcess
from .support import (
    AGENT,
    SUPERVISOR,
    assert_accessible,
    customer_writes,
    login,
    runtime_over,
    save_failure_screenshot,
)

pytestmark = pytest.mark.browser

_LISTEN = """() => {
  window.heard = [];
  document.addEventListener("lia:realtime", (event) => window.heard.push(event.detail));
}"""
_HEARD_PRESENCE = """(status) => window.heard.some((frame) => (frame.events || []).some(
  (item) => item.event === "agent.presence" && item.data.status === status))"""


def presence_of(live_server: LiveServer, username: str) -> str:
    """The presence that counts now, as `lia agent list --json` reads it."""
    agents = json.loads(live_server.lia.ok("agent", "list", "--json").stdout)["items"]
    (agent,) = [a for a in agents if a["username"] == username]
    status: str = agent["presence"]
    return status


async def test_the_live_layer_beats_listens_and_counts_down(
    page: Page, live_server: LiveServer
) -> None:
    await login(page, AGENT.username, AGENT.password)
    body = page.locator("body")
    await expect(body).to_have_attribute("data-realtime", "open")
    await expect(body).to_have_attribute("data-presence", "online")
    assert presence_of(live_server, AGENT.username) == "online"
    await assert_accessible(page)

    # The picker: Ausente beats at once; the change comes back over the socket as an event.
    await page.evaluate(_LISTEN)
    await page.get_by_label("Meu status").select_option("away")
    await expect(body).to_have_attribute("data-presence", "away")
    await page.wait_for_function(_HEARD_PRESENCE, arg="away")
    assert presence_of(live_server, AGENT.username) == "away"
    # The choice is kept by the browser: the next page beats "away" too.
    await page.reload()
    await expect(page.get_by_label("Meu status")).to_have_value("away")
    await expect(body).to_have_attribute("data-realtime", "open")
    await page.evaluate(_LISTEN)
    await page.get_by_label("Meu status").select_option("online")
    await page.wait_for_function(_HEARD_PRESENCE, arg="online")

    # A countdown: the time left as mm:ss, and is-overdue past it.
    await page.evaluate(
        """() => {
          const soon = document.createElement("time");
          soon.id = "soon";
          soon.setAttribute("data-countdown-to", new Date(Date.now() + 125000).toISOString());
          const past = document.createElement("time");
          past.id = "past";
          past.setAttribute("data-countdown-to", new Date(Date.now() - 65000).toISOString());
          document.querySelector("main").append(soon, past);
        }"""
    )
    await expect(page.locator("#soon")).to_have_text(re.compile(r"^02:0[0-5]$"))
    await expect(page.locator("#past")).to_have_text(re.compile(r"^-01:0[5-9]$"))
    await expect(page.locator("#past")).to_have_class("is-overdue")
    await expect(page.locator("#soon")).not_to_have_class("is-overdue")


RECONNECTING = "Sem conexão com o servidor: atualizações ao vivo pausadas. Reconectando…"
_COUNT_REFRESHES = """() => {
  window.refreshes = 0;
  document.getElementById("inbox-panel").addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt.id === "inbox-panel") window.refreshes += 1;
  });
}"""
_HEARD_CONVERSATION = """(id) => window.heard.some((frame) => (frame.events || []).some(
  (item) => item.data.conversation_id === id))"""
_BEAT_NOW = """() => document.getElementById("presence-status")
  .dispatchEvent(new Event("change", {bubbles: true}))"""


async def test_a_page_outlives_a_server_restart_and_catches_up(
    browser: Browser, restartable_server: ServeProcess, request: pytest.FixtureRequest
) -> None:
    """While `lia serve` is down the page says live updates are paused; it reconnects by
    itself, fetches its live parts once (what changed meanwhile shows), beats presence at
    once, and hears the events sent after."""
    server = restartable_server
    data_dir = Path(server.lia.env["LIA_DATA_DIR"])
    context = await browser.new_context(base_url=server.url, locale="pt-BR")
    page = await context.new_page()
    try:
        await login(page, SUPERVISOR.username, SUPERVISOR.password)
        await page.goto("/console/atendimento")
        body, status, rows = (
            page.locator("body"),
            page.locator("#live-status"),
            page.locator("tr[data-conversation]"),
        )
        await expect(body).to_have_attribute("data-realtime", "open")
        await expect(body).to_have_attribute("data-presence", "online")
        await expect(status).to_be_empty()
        await expect(rows).to_have_count(0)
        await page.evaluate(_LISTEN)
        await page.evaluate(_COUNT_REFRESHES)

        # Down: the socket closes (1001) and every retry is refused; the page says so, and a
        # presence beat fails.
        server.stop()
        await expect(body).not_to_have_attribute("data-realtime", "open")
        await expect(status).to_have_text(RECONNECTING)
        await expect(status).to_be_visible()
        await expect(page.get_by_role("status").filter(has_text="Reconectando")).to_have_count(1)
        await page.evaluate(_BEAT_NOW)
        await expect(body).to_have_attribute("data-presence", "error")
        await assert_accessible(page)

        # A customer writes meanwhile: its events are lost (nobody was listening, and a
        # restarted server's relay starts after what is already written).
        async with runtime_over(data_dir) as runtime:
            missed = await customer_writes(
                runtime.services, "5521977770001", name="Quem Escreveu Antes"
            )
        await page.wait_for_timeout(500)
        await expect(rows).to_have_count(0)

        # Up again: the page reconnects by itself, clears the status, beats at once and
        # fetches the inbox once, which now lists the conversation it never heard about.
        server.start()
        await expect(body).to_have_attribute("data-realtime", "open", timeout=40_000)
        await expect(status).to_be_empty()
        await expect(page.get_by_role("status").filter(has_text="Reconectando")).to_have_count(0)
        await expect(body).to_have_attribute("data-presence", "online", timeout=3_000)
        await expect(page.locator(f'tr[data-conversation="{missed}"]')).to_contain_text(
            "Quem Escreveu Antes"
        )
        await page.wait_for_timeout(1_500)  # past the panel's refresh delay: nothing more comes
        assert await page.evaluate("() => window.refreshes") == 1
        assert not await page.evaluate(_HEARD_CONVERSATION, missed)

        # After the reconnect, events arrive again: the next customer shows live.
        async with runtime_over(data_dir) as runtime:
            heard = await customer_writes(
                runtime.services, "5521977770002", name="Quem Escreveu Depois"
            )
            await page.wait_for_function(_HEARD_CONVERSATION, arg=heard)
        await expect(page.locator(f'tr[data-conversation="{heard}"]')).to_contain_text(
            "Quem Escreveu Depois"
        )
        await expect(rows).to_have_count(2)
    except BaseException:
        await save_failure_screenshot(page, request.node.name)
        raise
    finally:
        await context.close()


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (4401, "Sua sessão terminou: atualizações ao vivo pausadas."),
        (4403, "Atualizações ao vivo indisponíveis nesta página."),
    ],
)
async def test_a_socket_refused_for_good_is_not_retried_and_says_why(
    page: Page, code: int, said: str
) -> None:
    """A close with 4401 (the session ended) or 4403 stops the reconnecting at once and says
    so; the socket is the test's own (Playwright stands in for the server)."""
    sockets: list[WebSocketRoute] = []

    def stand_in(socket: WebSocketRoute) -> None:
        sockets.append(socket)
        socket.send(json.dumps({"type": "ready", "heartbeat_seconds": 25}))

    await login(page, AGENT.username, AGENT.password)
    await page.route_web_socket(re.compile(r"/console/realtime$"), stand_in)
    await page.goto("/console/tickets")
    body = page.locator("body")
    await expect(body).to_have_attribute("data-realtime", "open")
    await expect(page.locator("#live-status")).to_be_empty()
    assert len(sockets) == 1

    await sockets[0].close(code=code, reason="refused")
    await expect(body).to_have_attribute("data-realtime", "closed")
    await expect(page.locator("#live-status").get_by_role("status")).to_have_text(
        re.compile(f"^{re.escape(said)}")
    )
    await page.wait_for_timeout(2_500)  # past the first retry's longest wait (1 s)
    assert len(sockets) == 1
    await expect(body).to_have_attribute("data-realtime", "closed")
