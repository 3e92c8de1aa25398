"""Auditoria: the audit log, newest first, filtered like `lia audit list`. SUPERVISOR and ADMIN."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from lia_core.domain.activity import Activity
from lia_core.errors import ValidationError
from lia_core.services.activity import MAX_ACTIVITY_LIMIT
from lia_entrypoints.console.forms.audit import (
    ENTITY_LABELS,
    SINCE_CHOICES,
    AuditFilterForm,
    message_for,
)
from lia_entrypoints.console.pages.failures import STATUS_LABELS
from lia_entrypoints.console.rendering import page
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.console.viewer import managers
from lia_entrypoints.http.context import ServicesDep

__all__ = ["ACTION_LABELS", "audit_page"]

ACTION_LABELS = {
    "failure.declare": "Falha cadastrada",
    "failure.edit": "Falha editada",
    "failure.status": "Situação da falha",
    "region.define": "Região criada",
    "region.update": "Região alterada",
    "region.delete": "Região excluída",
    "dead_letters.reprocess": "Mensagens reprocessadas",
    "user.create": "Usuário criado",
    "user.update": "Usuário alterado",
    "outbox.settle": "Envio incerto resolvido",
    "rules.load": "Política de atendimento carregada",
    "ticket.open": "Ticket aberto",
    "ticket.escalate": "Ticket escalado",
    "ticket.deescalate": "Ticket desescalado",
    "ticket.reassign": "Ticket reatribuído",
    "ticket.priority": "Prioridade do ticket",
    "ticket.wait": "Aguardando o cliente",
    "ticket.unwait": "Fim da espera pelo cliente",
    "ticket.resolve": "Ticket resolvido",
    "ticket.reopen": "Ticket reaberto",
    "ticket.note": "Nota interna",
    "conversation.reply": "Resposta ao cliente",
    "conversation.welcome": "Boas-vindas do atendente",
    "template.create": "Resposta pronta criada",
    "template.update": "Resposta pronta alterada",
    "template.delete": "Resposta pronta excluída",
}
"""What an action reads as on screen; an action not listed shows its name (`ticket.escalate`)."""

_AUDIT = f"{CONSOLE_PATH}/audit"
_PANEL = "audit-panel"
_Text = Annotated[str, QueryParameter(required=False)]


def _state(entry: Activity, value: str | None) -> str | None:
    """A failure's status in pt-BR; any other state as recorded."""
    if value is not None and entry.entity == "failure":
        return STATUS_LABELS.get(value, value)
    return value


@get("/audit", guards=[managers])
async def audit_page(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    entity: _Text = "",
    user: _Text = "",
    since: _Text = "",
    limit: _Text = "",
) -> Template:
    """The audit log with its filters; with htmx, only the panel. A bad filter is 422."""
    form = AuditFilterForm(entity=entity, user=user, since=since, limit=limit)
    query, errors = form.read()
    entries: Sequence[Activity] = ()
    if query is not None:
        try:
            entries = await services.list_activity(query)
        except ValidationError as exc:
            errors[exc.field or "since"] = message_for(exc)
    shown = query.limit if query is not None else 0
    more = (
        f"{_AUDIT}?{form.query_string(limit=str(min(shown * 2, MAX_ACTIVITY_LIMIT)))}"
        if not errors and len(entries) >= shown and shown < MAX_ACTIVITY_LIMIT
        else None
    )
    entities = dict(ENTITY_LABELS)
    if entity.strip() and entity.strip() not in entities:
        entities[entity.strip()] = entity.strip()
    periods = list(SINCE_CHOICES)
    if since.strip() and since.strip() not in dict(periods):
        periods.append((since.strip(), since.strip()))
    htmx = request.headers.get("hx-target") == _PANEL
    return page(
        request,
        "audit/_panel.html" if htmx else "audit/list.html",
        status_code=422 if errors else 200,
        active="audit",
        form=form,
        errors=errors,
        entries=entries,
        more=more,
        entities=entities,
        periods=periods,
        action_labels=ACTION_LABELS,
        state=_state,
        max_limit=MAX_ACTIVITY_LIMIT,
    )
