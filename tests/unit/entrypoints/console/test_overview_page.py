"""Visão geral in-process: the desk's counts, agents by presence and the heatmap of new
conversations in LIA_TIMEZONE; supervisors and admins only; the panel refreshes itself."""

from __future__ import annotations

import re

from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import Client
from .desk_support import agent, handed

PAGE = "/console/visao-geral"


def counts(html: str) -> dict[str, str]:
    """Each count tile's number."""
    return dict(re.findall(r'data-count="([a-z]+)">(\d+)<', html))


def heat_row(html: str, day: str) -> list[str]:
    """The table's numbers for weekday *day* (Seg … Dom)."""
    row = html.split(f'<th scope="row">{day}</th>')[1].split("</tr>")[0]
    return re.findall(r'<td class="number">(\d+)</td>', row)


async def test_a_supervisor_sees_counts_presence_and_the_heatmap(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """Two customers handed to the desk: 2 open, 2 unassigned, 2 unattended; one agent online;
    both arrived on Wednesday 12h in São Paulo (15:00 UTC), in the chart and its table."""
    await agent(runtime, "artur", "general", online=True)
    await handed(runtime, "5521988887771", "Maria Souza")
    await handed(runtime, "5521988887772", "João Lima")
    shown = await client.get(PAGE)
    assert shown.status_code == 200
    assert counts(shown.text) == {"open": "2", "unassigned": "2", "unattended": "2"}
    assert 'data-presence="online">1<' in shown.text
    wednesday = heat_row(shown.text, "Qua")
    assert len(wednesday) == 24
    assert wednesday[12] == "2"
    assert wednesday.count("0") == 23
    assert heat_row(shown.text, "Seg") == ["0"] * 24
    assert "<title>Qua 12h: 2 conversas</title>" in shown.text
    assert 'role="img"' in shown.text
    assert "<desc" in shown.text
    assert 'aria-current="page">Visão geral</a>' in shown.text


async def test_the_counts_and_the_heatmap_refresh_apart(
    client: Client, runtime: Runtime, admin_session: str
) -> None:
    """The counts are re-fetched on conversation, message and presence events (debounced
    2 s) and every 60 s; the heatmap, the heavier read, on new messages at most every 10 s
    and every 5 minutes, with the chosen weeks; each fragment is its part alone."""
    shown = await client.get(PAGE, params={"semanas": "2"})
    panel = shown.text[shown.text.index('<div id="overview-panel"') :].split(">")[0]
    assert 'hx-get="/console/visao-geral/_painel"' in panel
    assert 'hx-trigger="lia:refresh, every 60s"' in panel
    assert "message.received" in panel
    assert "agent.presence" in panel
    assert 'data-refresh-delay="2000"' in panel
    heat = shown.text[shown.text.index('<div id="overview-heatmap"') :].split(">")[0]
    assert 'hx-get="/console/visao-geral/_mapa?semanas=2"' in heat
    assert 'hx-trigger="lia:refresh, every 300s"' in heat
    assert 'data-refresh-on="message.received"' in heat
    assert 'data-refresh-delay="10000"' in heat
    counts_only = await client.get(f"{PAGE}/_painel")
    assert counts_only.status_code == 200
    assert "<html" not in counts_only.text
    assert 'data-count="open"' in counts_only.text
    assert "<svg" not in counts_only.text
    grid = await client.get(f"{PAGE}/_mapa", params={"semanas": "2"})
    assert grid.status_code == 200
    assert "<html" not in grid.text
    assert "Últimas 2 semanas" in grid.text
    assert 'data-count="open"' not in grid.text
    assert (await client.get(f"{PAGE}/_mapa", params={"semanas": "99"})).status_code == 422


async def test_bad_weeks_are_refused_beside_the_field(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """0, 53 or text: 422 with the message beside the field; the default 4 weeks is shown."""
    for raw in ("0", "53", "abc"):
        shown = await client.get(PAGE, params={"semanas": raw})
        assert shown.status_code == 422
        assert 'id="semanas-error"' in shown.text
        assert "Escolha de 1 a 52 semanas." in shown.text
        assert "Últimas 4 semanas" in shown.text


async def test_an_agent_may_not_see_it(
    client: Client, runtime: Runtime, agent_session: str
) -> None:
    """It counts every department: an agent gets 403 and no menu entry."""
    assert (await client.get(PAGE)).status_code == 403
    assert (await client.get(f"{PAGE}/_painel")).status_code == 403
    assert (await client.get(f"{PAGE}/_mapa")).status_code == 403
    assert ">Visão geral</a>" not in (await client.get("/console/falhas")).text


async def test_it_needs_a_session(client: Client, runtime: Runtime) -> None:
    """Signed out: to the sign-in page, coming back here after."""
    response = await client.get(PAGE)
    assert response.status_code in (302, 303)
    assert "/console/login" in response.headers["location"]


async def test_supervisor_menu_lists_it_first(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """Visão geral is the first entry of a supervisor's menu."""
    html = (await client.get("/console/falhas")).text
    nav = html.split('aria-label="Menu principal"')[1]
    assert re.findall(r">([^<]+)</a></li>", nav)[0] == "Visão geral"
