"""live.js in a real browser: the realtime socket opens and re-dispatches events as
`lia:realtime`, the presence heartbeat makes the agent online (the picker changes it), and
`data-countdown-to` elements count down."""

from __future__ import annotations

import json
import re

import pytest
from playwright.async_api import Page, expect

from .conftest import LiveServer
from .support import AGENT, assert_accessible, login

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
