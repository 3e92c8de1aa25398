"""Agentes in-process: presence as it counts now, load against capacity, offer counters; who
sees whom; the table refreshes itself on presence and assignment events."""

from __future__ import annotations

import re

from lia_adapters.memory import FixedClock
from lia_core.assignment import SetAgent
from lia_core.domain.activity import Actor
from lia_core.domain.agents import Presence
from lia_core.domain.users import Role
from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import Client
from .desk_support import SUPERVISOR, agent, handed

PAGE = "/console/agentes"


def presence(html: str) -> dict[str, str]:
    """Each agent's presence badge as the page shows it."""
    return dict(re.findall(r'data-presence-of="([^"]+)">([^<]+)<', html))


def load(html: str) -> dict[str, str]:
    """Each agent's load / capacity."""
    return dict(re.findall(r'data-load-of="([^"]+)">([^<]+)<', html))


async def test_a_supervisor_sees_every_agent_with_presence_load_and_offers(
    client: Client, runtime: Runtime, supervisor_session: str, clock: FixedClock
) -> None:
    """Online while the heartbeat is fresh, Offline past the time limit (what they chose is
    shown beside it); the offer the worker made counts in load and in Ofertas."""
    await agent(runtime, "artur", "general", online=True)
    await agent(runtime, "bia", "vendas")
    await runtime.services.agents.set(SetAgent(username="artur", actor=SUPERVISOR, capacity=3))
    await handed(runtime, "5521988887771", "Maria Souza")
    await runtime.services.assignment_tick()
    shown = await client.get(PAGE)
    assert shown.status_code == 200
    assert presence(shown.text) == {"artur": "Disponível", "bia": "Offline", "sofia": "Offline"}
    assert load(shown.text)["artur"] == "1/3"
    row = shown.text[shown.text.index('data-agent="artur"') :].split("</tr>")[0]
    assert re.findall(r'<td class="number">(\d+)</td>', row) == ["1", "0", "0", "0"]
    assert "Disponível: <strong" in shown.text
    clock.advance(seconds=61)
    later = await client.get(PAGE)
    assert presence(later.text)["artur"] == "Offline"
    assert "escolheu Disponível, sem sinal" in later.text


async def test_an_agent_sees_themselves_and_their_departments_colleagues(
    client: Client, runtime: Runtime, agent_session: str
) -> None:
    """Read-only for agents: artur (general) sees bia (general, vendas) but not caio (vendas)."""
    await agent(runtime, "artur", "general", create=False)
    await agent(runtime, "bia", "general", "vendas")
    await agent(runtime, "caio", "vendas")
    await agent(runtime, "sup", role=Role.SUPERVISOR)
    shown = await client.get(PAGE)
    assert shown.status_code == 200
    assert set(presence(shown.text)) == {"artur", "bia"}
    assert "<form" not in shown.text.split('id="agents-panel"')[1].split("</main>")[0]


async def test_the_table_refreshes_on_presence_events_and_by_time(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """The fragment is the table alone, re-fetched on agent.presence and assignment events and
    every 30 s (a silent agent turns offline by time)."""
    user = await runtime.services.get_user("sofia")
    await runtime.services.agents.heartbeat(user, Presence.BUSY, Actor(name="sofia"))
    shown = await client.get(PAGE)
    panel = shown.text[shown.text.index('<div id="agents-panel"') :].split(">")[0]
    assert 'hx-get="/console/agentes/_tabela"' in panel
    assert 'hx-trigger="lia:refresh, every 30s"' in panel
    assert "agent.presence" in panel
    table = await client.get(f"{PAGE}/_tabela")
    assert table.status_code == 200
    assert "<html" not in table.text
    assert 'id="agents-panel"' not in table.text
    assert presence(table.text) == {"sofia": "Ocupado"}
