"""`POST /console/presenca`: the console's heartbeat (live.js) and status picker, over the
same use case as the API's; signed-in pages load live.js and show the picker."""

from __future__ import annotations

from lia_adapters.memory import FixedClock
from lia_core.domain.agents import Presence
from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import Client
from .console_support import post_form

PATH = "/console/presenca"


async def test_the_script_beats_and_the_agent_counts_as_online(
    client: Client, runtime: Runtime, agent_session: str, clock: FixedClock
) -> None:
    """A beat from live.js (htmx-style request) answers 204 and makes the agent online now;
    silent past the time limit they count as offline again."""
    before = await runtime.services.agents.show("artur")
    assert before.presence is Presence.OFFLINE
    beat = await client.post(
        PATH,
        data={"status": "online"},
        headers={"x-csrftoken": agent_session, "HX-Request": "true"},
    )
    assert beat.status_code == 204, beat.text
    assert (await runtime.services.agents.show("artur")).presence is Presence.ONLINE
    clock.advance(seconds=61)
    assert (await runtime.services.agents.show("artur")).presence is Presence.OFFLINE


async def test_the_picker_form_sets_a_status_and_goes_back(
    client: Client, runtime: Runtime, agent_session: str
) -> None:
    """Without script the picker posts a plain form: the status is kept and the page says so."""
    done = await post_form(client, PATH, agent_session, status="away", next="/console/tickets")
    assert done.status_code == 303
    assert done.headers["location"] == "/console/tickets"
    assert (await runtime.services.agents.show("artur")).profile.status is Presence.AWAY
    shown = await client.get("/console/tickets")
    assert "Seu status agora é Ausente." in shown.text


async def test_next_outside_the_console_is_not_followed(client: Client, agent_session: str) -> None:
    """The picker's way back stays in the console (no open redirect)."""
    done = await post_form(client, PATH, agent_session, status="busy", next="//evil.example/x")
    assert done.status_code == 303
    assert done.headers["location"] == "/console/"


async def test_an_unknown_status_is_a_clear_error(
    client: Client, runtime: Runtime, agent_session: str
) -> None:
    """A status that is not one of the four: 422 naming the choices, nothing stored."""
    refused = await post_form(client, PATH, agent_session, status="dormindo")
    assert refused.status_code == 422
    assert "Status de presença desconhecido" in refused.text
    assert (await runtime.services.agents.show("artur")).profile.last_seen_at is None


async def test_a_beat_without_the_csrf_token_is_refused(
    client: Client, runtime: Runtime, agent_session: str
) -> None:
    """Another site cannot keep an agent online: no token, 403, no heartbeat."""
    refused = await client.post(PATH, data={"status": "online"}, headers={"HX-Request": "true"})
    assert refused.status_code == 403
    assert (await runtime.services.agents.show("artur")).profile.last_seen_at is None


async def test_signed_in_pages_load_live_js_with_the_server_time(
    client: Client, agent_session: str
) -> None:
    """Every signed-in page loads live.js (with the server's clock) and shows the picker and
    the (empty) live status line it fills while the socket is down; the sign-in page does not."""
    shown = await client.get("/console/tickets")
    assert '/console/static/live.js" defer data-console="/console" data-user="artur"' in shown.text
    assert 'data-now="2026-05-20T15:00:00+00:00"' in shown.text
    assert 'id="presence-status"' in shown.text
    assert '<div id="live-status" aria-live="polite"></div>' in shown.text
    for label in ("Disponível", "Ocupado", "Ausente", "Offline"):
        assert label in shown.text
    script = await client.get("/console/static/live.js")
    assert script.status_code == 200
    assert "lia:realtime" in script.text


async def test_the_sign_in_page_has_no_live_layer(client: Client) -> None:
    """Nobody signed in: no socket, no heartbeat."""
    shown = await client.get("/console/login")
    assert "live.js" not in shown.text
    assert "presence-status" not in shown.text
    assert "live-status" not in shown.text
