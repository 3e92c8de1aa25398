"""Atendimentos (tickets): the list with the API's filters and SLA badges, a ticket's page with
its timeline, both clocks and its commands, over the same desk use cases as `lia ticket` and
the API. Agents see and act on their departments' tickets; supervisors and admins on all."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Template

from lia_core.desk.service import TicketView
from lia_core.domain.tickets import EventKind, Priority, Severity, SupportLevel, TicketStatus
from lia_core.errors import (
    ConcurrencyConflict,
    DomainError,
    InvalidTransition,
    NotPermitted,
    ValidationError,
)
from lia_core.ports.tickets import TicketSummary
from lia_core.services import Services
from lia_core.sla.readings import ClockReading, Metric, NoClock, NoClockReason, SlaState
from lia_entrypoints.console.forms.tickets import (
    ACTIONS,
    LIST_LIMIT,
    CommandForm,
    TicketFilterForm,
    field_of,
    refusal,
)
from lia_entrypoints.console.rendering import flash, page, redirect
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.http.context import ServicesDep, actor_of

__all__ = [
    "EVENT_LABELS",
    "PRIORITY_LABELS",
    "SLA_LABELS",
    "STATUS_LABELS",
    "ticket_command",
    "ticket_page",
    "tickets_page",
]

STATUS_LABELS: Mapping[TicketStatus, tuple[str, str]] = {
    TicketStatus.OPEN: ("Aberto", "info"),
    TicketStatus.WAITING_CUSTOMER: ("Aguardando cliente", "warn"),
    TicketStatus.RESOLVED: ("Resolvido", "ok"),
    TicketStatus.CLOSED: ("Fechado", "done"),
}
"""A ticket's status on screen: label and badge tone."""
PRIORITY_LABELS: Mapping[Priority, str] = {
    Priority.LOW: "Baixa",
    Priority.MEDIUM: "Média",
    Priority.HIGH: "Alta",
    Priority.URGENT: "Urgente",
}
SEVERITY_LABELS: Mapping[Severity, str] = {
    Severity.LOW: "Baixa",
    Severity.MEDIUM: "Média",
    Severity.HIGH: "Alta",
    Severity.CRITICAL: "Crítica",
}
SLA_LABELS: Mapping[SlaState, tuple[str, str]] = {
    SlaState.OK: ("No prazo", "ok"),
    SlaState.WARNING: ("Atenção", "warn"),
    SlaState.BREACHED: ("Estourado", "bad"),
}
"""An SLA state's badge: label and tone."""
METRIC_LABELS: Mapping[Metric, str] = {
    Metric.FIRST_RESPONSE: "Primeira resposta",
    Metric.RESOLUTION: "Resolução",
}
NO_CLOCK_LABELS: Mapping[NoClockReason, str] = {
    NoClockReason.OUTAGE_GATE: "sem prazo: respondido pelo aviso de falha",
    NoClockReason.NOT_STARTED: "ainda não começou",
    NoClockReason.NO_TARGET: "sem meta nesta política",
}
EVENT_LABELS: Mapping[EventKind, str] = {
    EventKind.CREATED: "Ticket aberto",
    EventKind.HANDED_TO_HUMAN: "Encaminhado para atendimento humano",
    EventKind.CUSTOMER_MESSAGE: "Mensagem do cliente",
    EventKind.HUMAN_PUBLIC_REPLY: "Resposta do atendente",
    EventKind.BOT_REPLY: "Resposta do robô",
    EventKind.PRIVATE_NOTE: "Nota interna",
    EventKind.WAITING_CUSTOMER_ON: "Aguardando o cliente",
    EventKind.WAITING_CUSTOMER_OFF: "Fim da espera pelo cliente",
    EventKind.ESCALATED: "Escalado",
    EventKind.DEESCALATED: "Desescalado",
    EventKind.REASSIGNED: "Reatribuído",
    EventKind.PRIORITY_CHANGED: "Prioridade alterada",
    EventKind.SEVERITY_CHANGED: "Severidade alterada",
    EventKind.SLA_WARNING: "Alerta de prazo (SLA)",
    EventKind.SLA_BREACHED: "Prazo estourado (SLA)",
    EventKind.SLA_MET: "Prazo encerrado (SLA)",
    EventKind.NOTIFIED: "Equipe avisada",
    EventKind.RESOLVED: "Resolvido",
    EventKind.REOPENED: "Reaberto",
    EventKind.CLOSED: "Fechado",
}
"""Every timeline event kind, in pt-BR (a test checks none is missing)."""

_DATA_WORDS = {
    "from": "de",
    "to": "para",
    "clock": "prazo",
    "outcome": "resultado",
    "policy": "política",
    "rule": "regra",
    "from_department": "do departamento",
    "to_department": "para o departamento",
    "from_assignee": "do atendente",
    "to_assignee": "para o atendente",
    "threshold": "limite",
}
_VALUE_WORDS = {
    "first_response": "primeira resposta",
    "resolution": "resolução",
    "hit": "cumprido",
    "miss": "não cumprido",
    **{p.value: PRIORITY_LABELS[p].lower() for p in Priority},
}
_LIST = f"{CONSOLE_PATH}/tickets"
_FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
_Text = Annotated[str, QueryParameter(required=False)]
_DONE = {
    "escalar": "Ticket escalado.",
    "desescalar": "Ticket desescalado.",
    "reatribuir": "Ticket reatribuído.",
    "prioridade": "Prioridade alterada.",
    "aguardar": "Aguardando o cliente: os prazos estão pausados.",
    "retomar": "Atendimento retomado: os prazos voltaram a contar.",
    "resolver": "Ticket resolvido.",
    "reabrir": "Ticket reaberto.",
    "nota": "Nota adicionada.",
}
_CONFLICT = "Não foi possível {}: outra pessoa alterou o ticket agora. Confira e tente de novo."
_NOT_PERMITTED = "Não foi possível {}: o ticket é de um departamento que não é o seu."


def describe_data(data: Mapping[str, str]) -> str:
    """An event's data in pt-BR words: "de N1 para N2", "regra sla-breached"."""
    if set(data) == {"from", "to"}:
        return f"de {_VALUE_WORDS.get(data['from'], data['from'])} para " + _VALUE_WORDS.get(
            data["to"], data["to"]
        )
    parts = [
        f"{_DATA_WORDS.get(key, key)} {_VALUE_WORDS.get(value, value) or '—'}"
        for key, value in data.items()
    ]
    return ", ".join(parts)


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours}h{mins:02d}" if hours else f"{mins} min"


def _nearest_due(summary: TicketSummary) -> datetime | None:
    dues = [
        d
        for d in (summary.index.first_response_due_at, summary.index.resolution_due_at)
        if d is not None
    ]
    return min(dues, default=None)


def _labels() -> dict[str, Any]:
    return {
        "status_labels": STATUS_LABELS,
        "priority_labels": PRIORITY_LABELS,
        "severity_labels": SEVERITY_LABELS,
        "sla_labels": SLA_LABELS,
        "metric_labels": METRIC_LABELS,
        "no_clock_labels": NO_CLOCK_LABELS,
        "event_labels": EVENT_LABELS,
        "describe_data": describe_data,
        "duration": _duration,
        "nearest_due": _nearest_due,
        "levels": list(SupportLevel),
        "priorities": list(Priority),
        "severities": list(Severity),
        "statuses": list(TicketStatus),
        "sla_states": list(SlaState),
        "is_reading": lambda clock: isinstance(clock, ClockReading),
        "is_no_clock": lambda clock: isinstance(clock, NoClock),
    }


@get("/tickets")
async def tickets_page(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    status: _Text = "",
    nivel: _Text = "",
    prioridade: _Text = "",
    departamento: _Text = "",
    responsavel: _Text = "",
    sla: _Text = "",
    falha: _Text = "",
) -> Template:
    """The tickets matching the filters, newest opened first, each with its SLA badge."""
    form = TicketFilterForm(
        status=status,
        nivel=nivel,
        prioridade=prioridade,
        departamento=departamento,
        responsavel=responsavel,
        sla=sla,
        falha=falha,
    )
    where, errors = form.read()
    tickets = (
        () if errors else await services.desk.list(where, limit=LIST_LIMIT, viewer=request.user)
    )
    return page(
        request,
        "tickets/list.html",
        status_code=422 if errors else 200,
        active="tickets",
        form=form,
        errors=errors,
        tickets=tickets,
        limit=LIST_LIMIT,
        **_labels(),
    )


def _detail(
    request: Request[Any, Any, Any],
    view: TicketView,
    *,
    action: str | None = None,
    form: CommandForm | None = None,
    errors: Mapping[str, str] | None = None,
) -> Template:
    return page(
        request,
        "tickets/detail.html",
        status_code=422 if errors else 200,
        active="tickets",
        view=view,
        ticket=view.ticket,
        clocks=(view.status.first_response, view.status.resolution),
        open_action=action,
        form=form or CommandForm(),
        blank_form=CommandForm(),
        errors=errors or {},
        levels_options=[(level.value, level.value) for level in SupportLevel],
        severity_options=[(s.value, SEVERITY_LABELS[s]) for s in Severity],
        priority_options=[(p.value, PRIORITY_LABELS[p]) for p in Priority],
        **_labels(),
    )


@get("/tickets/{ticket_id:str}")
async def ticket_page(
    request: Request[Any, Any, Any], services: ServicesDep, ticket_id: FromPath[str]
) -> Template:
    """One ticket: its state, both SLA clocks read now, its timeline, and its commands."""
    return _detail(request, await services.desk.show(ticket_id, viewer=request.user))


async def _run(
    request: Request[Any, Any, Any],
    services: Services,
    ticket_id: str,
    action: str,
    data: CommandForm,
) -> Response[Any] | Template:
    verb = ACTIONS[action]
    command, errors = data.command(action)
    if command is None:
        view = await services.desk.show(ticket_id, viewer=request.user)
        return _detail(request, view, action=action, form=data, errors=errors)
    try:
        await services.desk.act(
            ticket_id,
            command,
            actor_of(request),
            viewer=request.user,
            expected_version=data.expected_version(),
        )
    except ValidationError as exc:
        view = await services.desk.show(ticket_id, viewer=request.user)
        return _detail(request, view, action=action, form=data, errors={field_of(exc): exc.message})
    except InvalidTransition as exc:
        flash(request, refusal(action, exc), "error")
    except ConcurrencyConflict:
        flash(request, _CONFLICT.format(verb), "error")
    except NotPermitted:  # the ticket's page would be refused too: back to the list
        flash(request, _NOT_PERMITTED.format(verb), "error")
        return redirect(request, _LIST)
    except DomainError:  # a no-op (the same department and agent): the rule says no
        flash(request, f"Não foi possível {verb}: nada mudaria.", "error")
    else:
        flash(request, _DONE[action])
    return redirect(request, f"{_LIST}/{ticket_id}")


@post("/tickets/{ticket_id:str}/{acao:str}")
async def ticket_command(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    ticket_id: FromPath[str],
    acao: FromPath[str],
    data: Annotated[CommandForm, _FORM],
) -> Response[Any] | Template:
    """Run one command (escalar, desescalar, reatribuir, prioridade, aguardar, retomar,
    resolver, reabrir, nota) as the signed-in user; back to the ticket with what happened."""
    if acao not in ACTIONS:
        flash(request, "Ação desconhecida.", "error")
        return redirect(request, f"{_LIST}/{ticket_id}")
    return await _run(request, services, ticket_id, acao, data)
