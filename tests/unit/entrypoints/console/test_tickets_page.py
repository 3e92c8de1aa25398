"""Atendimentos in-process: the list with filters and SLA badges, a ticket's page (timeline in
pt-BR, both clocks), its commands, refusals shown in the page, reasons asked for."""

from __future__ import annotations

import pytest

from lia_adapters.memory import FixedClock
from lia_core.desk.commands import Escalate, OpenTicket
from lia_core.domain.activity import Actor
from lia_core.domain.recipients import Phone
from lia_core.domain.tickets import EventKind
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.console.pages.tickets import EVENT_LABELS

from ..http.api_support import Client
from .console_support import post_form

OPERATOR = Actor(name="operador")


async def _ticket(runtime: Runtime, subject: str = "Sem sinal", **extra: object) -> str:
    request = OpenTicket(subject=subject, contact=Phone.parse("21999998888"), **extra)  # type: ignore[arg-type]
    ticket = await runtime.services.desk.open(request, OPERATOR)
    return ticket.id


def test_every_event_kind_has_a_label() -> None:
    """The timeline never shows a raw event kind: each has its pt-BR label."""
    assert set(EVENT_LABELS) == set(EventKind)


async def test_list_shows_tickets_with_sla_badges_and_filters(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """The list shows each ticket with its SLA badge and time left; filters narrow it."""
    first = await _ticket(runtime, "Internet lenta")
    second = await _ticket(runtime, "Boleto em dobro", department="financial")
    page = await client.get("/console/tickets")
    assert page.status_code == 200
    assert "Atendimentos" in page.text
    assert "Internet lenta" in page.text
    assert "Boleto em dobro" in page.text
    assert "No prazo" in page.text
    assert "em " in page.text  # the time left, e.g. "em 2h"
    narrowed = await client.get("/console/tickets?departamento=financial")
    assert second in narrowed.text
    assert f'/console/tickets/{first}"' not in narrowed.text
    bad = await client.get("/console/tickets?nivel=N9")
    assert bad.status_code == 422
    assert "Escolha uma das opções" in bad.text


async def test_ticket_page_shows_timeline_and_clocks(
    client: Client, runtime: Runtime, supervisor_session: str, clock: FixedClock
) -> None:
    """A ticket's page lists its timeline in pt-BR with actor and reason, and both clocks."""
    ticket_id = await _ticket(runtime)
    await runtime.services.desk.act(ticket_id, Escalate(reason="precisa de técnico"), OPERATOR)
    clock.advance(minutes=10)
    page = await client.get(f"/console/tickets/{ticket_id}")
    assert page.status_code == 200
    assert "Ticket aberto" in page.text
    assert "Escalado" in page.text
    assert "precisa de técnico" in page.text
    assert "operador" in page.text
    assert "Primeira resposta" in page.text
    assert "Resolução" in page.text
    assert "Escalar" in page.text
    assert "Nota interna" in page.text


async def test_escalate_with_reason_then_refused_past_n3(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """Escalar with a reason moves the ticket; past N3 the page says why in pt-BR."""
    ticket_id = await _ticket(runtime)
    path = f"/console/tickets/{ticket_id}/escalar"
    done = await post_form(client, path, supervisor_session, motivo="cliente sem sinal", nivel="N3")
    assert done.status_code == 303
    assert done.headers["location"] == f"/console/tickets/{ticket_id}"
    shown = await client.get(f"/console/tickets/{ticket_id}")
    assert "Ticket escalado." in shown.text
    assert "cliente sem sinal" in shown.text
    assert "sofia" in shown.text
    view = await runtime.services.desk.show(ticket_id)
    assert view.ticket.level.value == "N3"

    refused = await post_form(client, path, supervisor_session, motivo="mais alto")
    assert refused.status_code == 303
    after = await client.get(f"/console/tickets/{ticket_id}")
    assert "Não foi possível escalar o ticket: ele já está em N3." in after.text


async def test_missing_reason_is_shown_beside_the_field(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """Without a reason the page comes back (422) with the form open and the message beside it."""
    ticket_id = await _ticket(runtime)
    response = await post_form(
        client, f"/console/tickets/{ticket_id}/escalar", supervisor_session, motivo="  "
    )
    assert response.status_code == 422
    assert 'id="escalar-motivo-error"' in response.text
    assert "Informe o motivo." in response.text
    view = await runtime.services.desk.show(ticket_id)
    assert view.ticket.level.value == "N1"


@pytest.mark.parametrize(
    ("action", "fields", "flash", "status"),
    [
        ("aguardar", {}, "Aguardando o cliente", "waiting_customer"),
        ("resolver", {"motivo": "trocado"}, "Ticket resolvido.", "resolved"),
        ("nota", {"texto": "liguei"}, "Nota adicionada.", "open"),
        ("prioridade", {"prioridade": "urgent", "motivo": "VIP"}, "Prioridade alterada.", "open"),
    ],
)
async def test_commands_from_the_page(
    client: Client,
    runtime: Runtime,
    supervisor_session: str,
    action: str,
    fields: dict[str, str],
    flash: str,
    status: str,
) -> None:
    """Each command runs as the signed-in user and the page says it was done."""
    ticket_id = await _ticket(runtime)
    response = await post_form(
        client, f"/console/tickets/{ticket_id}/{action}", supervisor_session, **fields
    )
    assert response.status_code == 303, response.text
    assert flash in (await client.get(f"/console/tickets/{ticket_id}")).text
    view = await runtime.services.desk.show(ticket_id)
    assert view.ticket.status.value == status
    staff = [e for e in view.ticket.timeline.events if e.by and not e.by.startswith("rule:")]
    assert staff[-1].by == "sofia"


async def test_stale_page_is_refused(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """A form from a page older than the ticket's last change is refused, nothing changes."""
    ticket_id = await _ticket(runtime)
    view = await runtime.services.desk.show(ticket_id)
    await runtime.services.desk.act(ticket_id, Escalate(reason="antes"), OPERATOR)
    await post_form(
        client,
        f"/console/tickets/{ticket_id}/escalar",
        supervisor_session,
        motivo="depois",
        versao=str(view.ticket.version),
    )
    page = await client.get(f"/console/tickets/{ticket_id}")
    assert "outra pessoa alterou o ticket agora" in page.text
    assert (await runtime.services.desk.show(ticket_id)).ticket.level.value == "N2"


async def test_agent_cannot_act_outside_their_departments(
    client: Client, runtime: Runtime, agent_session: str
) -> None:
    """An agent's list leaves out other departments' tickets and their commands are refused."""
    ticket_id = await _ticket(runtime, department="financial")
    listing = await client.get("/console/tickets")
    assert ticket_id not in listing.text
    assert (await client.get(f"/console/tickets/{ticket_id}")).status_code == 403
