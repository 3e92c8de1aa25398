"""Auditoria: the audit log newest first, its filters, the empty state, who may open it."""

from __future__ import annotations

from lia_adapters.memory import FixedClock, InMemoryStore
from lia_core.domain.activity import Actor
from lia_core.domain.users import Role
from lia_core.services import SaveCannedResponse
from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import Client
from .console_support import post_form, sign_in

AUDIT = "/console/audit"
HTMX = {"HX-Request": "true", "HX-Target": "audit-panel"}
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chromium/131.0"}


async def _define(client: Client, token: str, region_id: str, name: str) -> None:
    response = await post_form(
        client, "/console/regioes/nova", token, id=region_id, name=name, cities="Teresópolis"
    )
    assert response.status_code == 303, response.text


async def test_a_console_action_is_listed_with_who_when_and_from_where(
    client: Client, supervisor_session: str, store: InMemoryStore
) -> None:
    """Defining a region in the console logs the session's user, address and browser; the page shows it."""
    client.headers.update(BROWSER)
    await _define(client, supervisor_session, "serra", "Serra")
    (entry,) = [e for e in store.activity.values() if e.entity == "region"]
    assert (entry.actor, entry.action, entry.entity_id) == ("sofia", "region.define", "serra")
    assert (entry.ip, entry.user_agent) == ("testclient", BROWSER["User-Agent"])

    page = await client.get(AUDIT)
    assert page.status_code == 200, page.text
    assert "<h1>Auditoria</h1>" in page.text
    assert 'aria-current="page">Auditoria' in page.text
    assert "Região criada" in page.text
    assert '<td class="long">Regiões: serra</td>' in page.text
    assert "— → 1 city, 0 CEP rules" in page.text
    assert "12:00" in page.text  # 15:00 UTC in LIA_TIMEZONE (America/Sao_Paulo)
    assert "testclient" in page.text


async def test_newest_first_and_the_filters(
    client: Client, supervisor_session: str, runtime: Runtime, clock: FixedClock
) -> None:
    """Entries come newest first; type, user and period narrow them; htmx gets only the panel."""
    await _define(client, supervisor_session, "serra", "Serra")
    clock.advance(hours=3)
    await _define(client, supervisor_session, "lagos", "Lagos")
    page = (await client.get(AUDIT)).text
    assert page.index("lagos") < page.index("serra")
    assert "user.create" in page  # the sign-in's account, created by `tester`

    regions = (await client.get(AUDIT, params={"entity": "region"})).text
    assert ("lagos" in regions, "serra" in regions, "user.create" in regions) == (True, True, False)
    assert '<option value="region" selected>Regiões</option>' in regions
    recent = (await client.get(AUDIT, params={"entity": "region", "since": "1h"})).text
    assert ("lagos" in recent, "serra" in recent) == (True, False)
    assert '<option value="1h" selected>Última hora</option>' in recent
    by_tester = (await client.get(AUDIT, params={"user": "tester"})).text
    assert ("user.create" in by_tester, "region.define" in by_tester) == (True, False)
    one = (await client.get(AUDIT, params={"limit": "1"})).text
    assert "1 ação (as mais recentes)" in one
    assert 'href="/console/audit?limit=2"' in one

    panel = await client.get(AUDIT, params={"entity": "region"}, headers=HTMX)
    assert panel.status_code == 200
    assert "<h1>" not in panel.text
    assert "lagos" in panel.text


async def test_empty_states(client: Client, supervisor_session: str) -> None:
    """A filter that matches nothing says so and offers to clear it."""
    empty = await client.get(AUDIT, params={"user": "ninguem"})
    assert empty.status_code == 200
    assert "Nenhuma ação com estes filtros." in empty.text
    assert 'href="/console/audit">limpe os filtros' in empty.text


async def test_a_bad_filter_is_shown_beside_its_field(
    client: Client, supervisor_session: str
) -> None:
    """An unreadable period or limit is 422 with the message beside the field, nothing listed."""
    bad = await client.get(AUDIT, params={"since": "ontem"})
    assert bad.status_code == 422
    assert 'id="since-error"' in bad.text
    assert "Período inválido" in bad.text
    assert '<option value="ontem" selected>ontem</option>' in bad.text
    assert "<table>" not in bad.text
    limit = await client.get(AUDIT, params={"limit": "dez"})
    assert limit.status_code == 422
    assert 'id="limit-error"' in limit.text
    too_many = await client.get(AUDIT, params={"limit": "5000"})
    assert too_many.status_code == 422
    assert "entre 1 e 1000" in too_many.text


async def test_agents_get_the_403_page_and_no_menu_entry(client: Client, runtime: Runtime) -> None:
    """An AGENT is refused (403 page) and does not see Auditoria in the menu; managers do."""
    await sign_in(client, runtime, "artur", Role.AGENT)
    refused = await client.get(AUDIT)
    assert refused.status_code == 403
    assert "restrita a supervisores e administradores" in refused.text
    assert ">Auditoria</a>" not in (await client.get("/console/falhas")).text


async def test_managers_see_the_menu_entry(client: Client, admin_session: str) -> None:
    """ADMIN (like SUPERVISOR) has Auditoria in the menu."""
    assert f'href="{AUDIT}">Auditoria</a>' in (await client.get("/console/falhas")).text


async def test_canned_responses_read_in_portuguese(
    client: Client, supervisor_session: str, runtime: Runtime
) -> None:
    """A canned response's creation shows as "Resposta pronta criada", filterable by its kind."""
    command = SaveCannedResponse(key="saudacao", title="Oi", body="Oi {{contact.name}}")
    await runtime.services.canned.create(command, Actor(name="sofia"))
    page = (await client.get(AUDIT, params={"entity": "template"})).text
    assert "Resposta pronta criada" in page
    assert '<option value="template" selected>Respostas prontas</option>' in page
