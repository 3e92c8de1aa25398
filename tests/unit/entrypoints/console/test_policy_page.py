"""Política de atendimento: the policy in force, its history, uploading (ADMIN) with faults by line."""

from __future__ import annotations

import html
from pathlib import Path

import httpx

from lia_adapters.memory import InMemoryStore
from lia_core.desk.commands import OpenTicket
from lia_core.domain.activity import Actor
from lia_core.domain.tickets import Priority
from lia_core.domain.users import Role
from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import Client
from .console_support import sign_in

PAGE = "/console/policy"
EXAMPLE = (Path(__file__).parents[4] / "docs" / "examples" / "desk-policy.toml").read_text()
BAD = 'version = 1\n\n[calendar.hours]\nmonday = "08:00-25:00"\n\n[notifications]\nsla-alert = ["pombo"]\n'


async def _upload(
    client: Client,
    token: str,
    *,
    text: str = "",
    file: tuple[str, bytes] | None = None,
    **extra: str,
) -> httpx.Response:
    files = (
        {"file": (file[0], file[1], "application/toml")}
        if file
        else {"file": ("", b"", "application/octet-stream")}
    )
    return await client.post(
        PAGE, data={"source": text, "_csrf_token": token, **extra}, files=files
    )


async def test_the_builtin_policy_shows_until_one_is_loaded(
    client: Client, supervisor_session: str
) -> None:
    """A supervisor sees the built-in policy, an empty history, the menu entry and no upload."""
    response = await client.get(PAGE)
    assert response.status_code == 200
    assert "Política padrão" in response.text
    assert "Nenhuma revisão carregada ainda." in response.text
    assert 'aria-current="page">Política de atendimento</a>' in response.text
    assert (
        "default_policy = &#34;standard&#34;" in response.text
        or 'default_policy = "standard"' in html.unescape(response.text)
    )
    assert "policy-form" not in response.text


async def test_an_admin_uploads_a_file_and_sees_the_revision(
    client: Client, admin_session: str, store: InMemoryStore
) -> None:
    """A file upload stores revision 1 by the admin; the page shows it, its source and history."""
    response = await _upload(client, admin_session, file=("desk.toml", EXAMPLE.encode()))
    assert response.status_code == 303, response.text
    page = await client.get(PAGE)
    text = html.unescape(page.text)
    assert "Revisão 1" in text
    assert "Carregada por <strong>ana</strong>" in text
    assert "desk.toml" in text
    assert 'name = "vip-24x7"' in text
    assert "Revisão 1 carregada" in text
    assert [r.loaded_by for r in store.desk_policies.values()] == ["ana"]
    assert [e.action for e in store.activity.values() if e.entity == "rules"] == ["rules.load"]


async def test_a_bad_document_lists_each_fault_by_line(
    client: Client, admin_session: str, store: InMemoryStore
) -> None:
    """Pasted text with faults re-renders (422) with "Linha N" per fault; nothing is stored."""
    response = await _upload(client, admin_session, text=BAD)
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "corrija os 2 problemas" in text
    assert "Linha 4:</strong> bad hours '08:00-25:00' for monday" in text
    assert "Linha 7:</strong> sla-alert must be one of" in text
    assert 'monday = "08:00-25:00"' in text  # the text area keeps what was pasted
    assert store.desk_policies == {}


async def test_a_dry_run_stores_nothing(
    client: Client, admin_session: str, store: InMemoryStore
) -> None:
    """ "Só verificar" says the policy is valid and stores nothing."""
    response = await _upload(client, admin_session, text=EXAMPLE, dry_run="on")
    assert response.status_code == 303
    assert "nada foi gravado" in (await client.get(PAGE)).text
    assert store.desk_policies == {}


async def test_an_empty_upload_says_what_to_do(client: Client, admin_session: str) -> None:
    """Neither a file nor text: 422 asking for one."""
    response = await _upload(client, admin_session)
    assert response.status_code == 422
    assert "Escolha um arquivo .toml" in response.text


async def test_roles_and_older_revisions(
    client: Client, runtime: Runtime, store: InMemoryStore
) -> None:
    """An agent is refused the page; a supervisor cannot upload; ?revisao=N shows an older one."""
    token = await sign_in(client, runtime, "sofia", Role.SUPERVISOR)
    refused = await _upload(client, token, text=EXAMPLE)
    assert refused.status_code == 403
    await client.post("/console/logout", data={"_csrf_token": token})
    admin = await sign_in(client, runtime, "ana", Role.ADMIN)
    await _upload(client, admin, text=EXAMPLE)
    await _upload(client, admin, text='[calendar]\ntimezone = "UTC"\n')
    older = html.unescape((await client.get(f"{PAGE}?revisao=1")).text)
    assert "Revisão 1" in older
    assert "anterior" in older
    assert 'name = "vip-24x7"' in older
    await client.post("/console/logout", data={"_csrf_token": admin})
    await sign_in(client, runtime, "artur", Role.AGENT)
    assert (await client.get(PAGE)).status_code == 403


async def test_explain_a_ticket_on_the_page(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """?chamado=ID lists each rule with its conditions and what would be done; unknown is 404."""
    ticket = await runtime.services.desk.open(
        OpenTicket(subject="vou no procon", priority=Priority.URGENT), Actor(name="sofia")
    )
    text = html.unescape((await client.get(f"{PAGE}?chamado={ticket.id}")).text)
    assert f"Chamado <code>{ticket.id}</code>, política padrão" in text
    assert "<strong>notify-high-priority</strong>" in text
    assert "✓ <code>priority_at_least</code>: high — chamado: urgent" in text
    missing = await client.get(f"{PAGE}?chamado=nada")
    assert missing.status_code == 404
    assert "Não há chamado com o id “nada”." in missing.text
