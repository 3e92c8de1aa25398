"""Atendimento (the inbox) in-process: tabs with the queues' counts, filters and orders, the
agent's scope, offers accepted or refused with the API's use case, bad filters as 422."""

from __future__ import annotations

import re

import pytest

from lia_adapters.memory import FixedClock
from lia_core.assignment import Claim, Transfer
from lia_core.desk.commands import Wait
from lia_core.domain.activity import Actor
from lia_core.domain.users import Role
from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import PASSWORD, Client
from .console_support import post_form
from .desk_support import SUPERVISOR, agent, handed

PAGE = "/console/atendimento"
_COUNT = re.compile(r'data-count="([a-z-]+)">(\d+)<')


def counts(html: str) -> dict[str, int]:
    """The tabs' counts as the page shows them."""
    return {slug: int(n) for slug, n in _COUNT.findall(html)}


def rows(html: str) -> list[str]:
    """The conversation ids of the list, in order."""
    return re.findall(r'<tr data-conversation="([^"]+)"', html)


async def api_queues(client: Client, username: str) -> list[dict[str, object]]:
    """`GET /api/v1/queues` as *username* (an existing account)."""
    token = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    answer = await client.get("/api/v1/queues", headers=bearer)
    assert answer.status_code == 200, answer.text
    queues: list[dict[str, object]] = answer.json()
    return queues


async def test_tabs_show_the_queues_counts(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """Minhas / Sem responsável / Todas are the sums of `GET /api/v1/queues`; the list follows
    the tab; each row links to its conversation with the phone masked."""
    first = await handed(runtime, "5521988887771", "Maria Souza")
    second = await handed(runtime, "5521988887772", "João Lima")
    await handed(runtime, "5521988887773", "Rita Alves")
    await runtime.services.claims.claim(
        Claim(conversation_id=first, agent="sofia", actor=Actor(name="sofia"))
    )
    shown = await client.get(PAGE)
    assert shown.status_code == 200
    queues = await api_queues(client, "sofia")
    expected = {
        "minhas": sum(int(str(q["mine"])) for q in queues),
        "sem-responsavel": sum(int(str(q["unassigned"])) for q in queues),
        "todas": sum(int(str(q["all"])) for q in queues),
    }
    assert counts(shown.text) == expected == {"minhas": 1, "sem-responsavel": 2, "todas": 3}
    assert len(rows(shown.text)) == 3  # a supervisor starts from Todas
    assert f'href="/console/conversas/{second}"' in shown.text
    assert "5521988887772" not in shown.text
    assert "5521*****7772" in shown.text
    mine = await client.get(f"{PAGE}?aba=minhas")
    assert rows(mine.text) == [first]
    waiting = await client.get(f"{PAGE}?aba=sem-responsavel")
    assert first not in rows(waiting.text)
    assert len(rows(waiting.text)) == 2


async def test_filters_search_and_orders(
    client: Client, runtime: Runtime, supervisor_session: str, clock: FixedClock
) -> None:
    """Department, search by name or id, and the three orders narrow and sort the list."""
    old = await handed(runtime, "5521988887771", "Maria Souza")
    clock.advance(minutes=5)
    new = await handed(runtime, "5521988887772", "João Lima")
    await runtime.services.claims.transfer(
        Transfer(
            conversation_id=old,
            by="sofia",
            actor=Actor(name="sofia"),
            reason="boleto",
            to_department="financeiro",
        )
    )
    assert rows((await client.get(f"{PAGE}?departamento=financeiro")).text) == [old]
    assert rows((await client.get(f"{PAGE}?busca=souza")).text) == [old]
    assert rows((await client.get(f"{PAGE}?busca={new[:6]}")).text)[0] == new
    assert rows((await client.get(f"{PAGE}?busca=ninguem")).text) == []
    by_wait = await client.get(f"{PAGE}?ordem=espera")
    assert rows(by_wait.text) == [new, old]  # the transfer queued "old" again, later
    by_last = await client.get(f"{PAGE}?ordem=ultima-mensagem")
    assert rows(by_last.text) == [new, old]
    empty = await client.get(f"{PAGE}?sla=breached")
    assert rows(empty.text) == []
    assert "Nenhuma conversa com estes filtros." in empty.text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("aba=outras", "aba"),
        ("ordem=alfabetica", "ordem"),
        ("prioridade=maxima", "prioridade"),
        ("sla=vermelho", "sla"),
        ("situacao=closed", "situacao"),
        ("departamento=a,b", "departamento"),
        ("busca=" + "x" * 101, "busca"),
    ],
)
async def test_a_bad_filter_is_a_clear_error(
    client: Client, supervisor_session: str, query: str, field: str
) -> None:
    """An unreadable filter: 422 with the message beside its field, in the page and the panel."""
    for path in (PAGE, f"{PAGE}/_painel"):
        refused = await client.get(f"{path}?{query}")
        assert refused.status_code == 422, (path, refused.text)
        assert "O filtro tem um erro." in refused.text
    page = await client.get(f"{PAGE}?{query}")
    assert f'id="{field}-error"' in page.text


async def test_an_agent_sees_their_departments_and_everything_they_hold(
    client: Client, runtime: Runtime, agent_session: str
) -> None:
    """artur holds a general conversation, then moves to sales: Todas and Sem responsável show
    vendas only, Minhas still shows what he holds (it spans every department)."""
    await agent(runtime, "artur", "general", create=False)
    await agent(runtime, "root", role=Role.SUPERVISOR)
    await handed(runtime, "5521988887771", "Maria Souza")
    other = await handed(runtime, "5521988887772", "João Lima")
    held = await handed(runtime, "5521988887773", "Rita Alves")
    await runtime.services.claims.transfer(
        Transfer(
            conversation_id=other, by="root", actor=SUPERVISOR, reason="x", to_department="vendas"
        )
    )
    await runtime.services.claims.claim(
        Claim(conversation_id=held, agent="artur", actor=Actor(name="artur"))
    )
    await agent(runtime, "artur", "vendas", create=False)
    start = await client.get(PAGE)  # an agent starts from Minhas
    assert rows(start.text) == [held]
    assert counts(start.text) == {"minhas": 1, "sem-responsavel": 1, "todas": 1}
    everything = await client.get(f"{PAGE}?aba=todas")
    assert rows(everything.text) == [other]
    assert rows((await client.get(f"{PAGE}?aba=todas&departamento=general")).text) == []
    assert (
        "general"
        not in (await client.get(f"{PAGE}?aba=todas"))
        .text.split("f-departamento")[1]
        .split("</select>")[0]
    )


async def test_an_offer_shows_with_its_countdown_and_accepting_opens_the_conversation(
    client: Client, runtime: Runtime, agent_session: str
) -> None:
    """The worker offers a conversation to artur (online, in general): it shows on top with
    the time left to accept; Aceitar makes it his and leads to the conversation's page."""
    await agent(runtime, "artur", "general", create=False, online=True)
    cid = await handed(runtime, "5521988887771", "Maria Souza")
    await runtime.services.assignment_tick()
    shown = await client.get(PAGE)
    assert "Uma conversa oferecida a você" in shown.text
    assert 'data-countdown-to="2026-05-20T15:02:00+00:00">02:00</time>' in shown.text
    (offer_id,) = re.findall(r"/ofertas/([^/]+)/aceitar", shown.text)
    accepted = await post_form(client, f"{PAGE}/ofertas/{offer_id}/aceitar", agent_session)
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/console/conversas/{cid}"
    async with runtime.uow() as uow:
        assert (await uow.assignments.get(cid)).assignee == "artur"
    after = await client.get(f"{PAGE}?aba=minhas")
    assert rows(after.text) == [cid]
    assert "oferecida a você" not in after.text


async def test_refusing_an_offer_and_a_late_or_foreign_answer(
    client: Client, runtime: Runtime, agent_session: str, clock: FixedClock
) -> None:
    """Recusar passes it on; an expired offer or someone else's is refused in pt-BR."""
    await agent(runtime, "artur", "general", create=False, online=True)
    await handed(runtime, "5521988887771", "Maria Souza")
    await runtime.services.assignment_tick()
    (offer_id,) = re.findall(r"/ofertas/([^/]+)/recusar", (await client.get(PAGE)).text)
    refused = await post_form(client, f"{PAGE}/ofertas/{offer_id}/recusar", agent_session)
    assert (refused.status_code, refused.headers["location"]) == (303, PAGE)
    assert "Oferta recusada" in (await client.get(PAGE)).text
    again = await post_form(client, f"{PAGE}/ofertas/{offer_id}/aceitar", agent_session)
    assert again.headers["location"] == PAGE
    assert "a oferta expirou ou já foi respondida" in (await client.get(PAGE)).text
    missing = await post_form(client, f"{PAGE}/ofertas/nao-existe/aceitar", agent_session)
    assert missing.status_code == 303
    assert "a oferta não existe" in (await client.get(PAGE)).text

    await agent(runtime, "bia", "general", online=True)
    await handed(runtime, "5521988887772", "João Lima")
    await runtime.services.assignment_tick()
    async with runtime.uow() as uow:
        theirs = (await uow.offers.pending_for("bia"))[0]  # artur passed Maria over
    foreign = await post_form(client, f"{PAGE}/ofertas/{theirs.id}/aceitar", agent_session)
    assert foreign.status_code == 303
    assert "a oferta é de outra pessoa" in (await client.get(PAGE)).text
    clock.advance(seconds=121)
    late = await post_form(client, f"{PAGE}/ofertas/{theirs.id}/aceitar", agent_session)
    assert late.status_code == 303
    assert "a oferta é de outra pessoa" in (await client.get(PAGE)).text  # still not his


async def test_the_panel_refreshes_with_its_filters_on_desk_events(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """The page's panel carries its address (same tab and filters), the events that refresh
    it and a one-second throttle; the fragment is the panel's content alone."""
    await handed(runtime, "5521988887771", "Maria Souza")
    shown = await client.get(f"{PAGE}?aba=sem-responsavel&busca=maria")
    panel = shown.text[shown.text.index('<div id="inbox-panel"') :].split(">")[0]
    assert 'hx-get="/console/atendimento/_painel?aba=sem-responsavel&amp;busca=maria"' in panel
    assert 'hx-trigger="lia:refresh"' in panel
    assert 'hx-swap="innerHTML"' in panel
    assert 'data-refresh-delay="1000"' in panel
    for kind in ("conversation.assigned", "conversation.released", "message.received"):
        assert kind in panel
    fragment = await client.get(f"{PAGE}/_painel?aba=sem-responsavel&busca=maria")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert 'id="inbox-panel"' not in fragment.text
    assert len(rows(fragment.text)) == 1
    assert 'data-count="sem-responsavel">1<' in fragment.text


async def test_each_row_counts_down_to_its_sla_unless_the_ticket_waits(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """A row's SLA badge counts down to the open ticket's nearest due time; while the ticket
    waits on the customer its clocks stand still, and the row says "pausado" instead."""
    running = await handed(runtime, "5521988887771", "Maria Souza")
    waiting = await handed(runtime, "5521988887772", "João Lima")
    async with runtime.uow() as uow:
        tickets = await uow.tickets.live_for_conversations([waiting])
    await runtime.services.desk.act(tickets[waiting].id, Wait(), SUPERVISOR)
    shown = await client.get(PAGE)
    row = {
        cid: shown.text.split(f'data-conversation="{cid}"')[1].split("</tr>")[0]
        for cid in (running, waiting)
    }
    assert 'data-countdown-to="2026-05-20T16:00:00+00:00">1:00:00</time>' in row[running]
    assert "No prazo" in row[running]
    assert "data-countdown-to" not in row[waiting]
    assert "pausado" in row[waiting]
    assert "Aguardando cliente" in row[waiting]
    assert rows((await client.get(f"{PAGE}?situacao=waiting_customer")).text) == [waiting]


async def test_the_menu_has_atendimento_and_agentes(client: Client, agent_session: str) -> None:
    """Both pages are in the side menu, after Atendimentos, for every role."""
    shown = await client.get(PAGE)
    menu = shown.text[shown.text.index("Menu principal") :]
    assert menu.index(">Atendimentos<") < menu.index(">Atendimento<") < menu.index(">Agentes<")
    assert 'href="/console/atendimento" aria-current="page"' in shown.text


async def test_signed_out_the_inbox_asks_to_sign_in(client: Client) -> None:
    """No session: the sign-in page, coming back here after."""
    shown = await client.get(PAGE)
    assert shown.status_code in (302, 303)
    assert "/console/login?next=/console/atendimento" in shown.headers["location"]
