"""The Tickets page's forms: the list's filters and a ticket's commands, read into the desk's
values; what cannot be read becomes a pt-BR message beside its field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from lia_core.desk.commands import (
    KEEP,
    Deescalate,
    Escalate,
    Note,
    Reassign,
    Reopen,
    Resolve,
    SetPriority,
    TicketCommand,
    Unwait,
    Wait,
)
from lia_core.domain.tickets import Priority, Severity, SupportLevel, TicketStatus
from lia_core.errors import InvalidTransition, ValidationError
from lia_core.ports.tickets import TicketFilter
from lia_core.sla.readings import SlaState

__all__ = [
    "ACTIONS",
    "LIST_LIMIT",
    "CommandForm",
    "TicketFilterForm",
    "field_of",
    "refusal",
]

LIST_LIMIT = 100
"""Tickets one page of the list shows."""

ACTIONS: Mapping[str, str] = {
    "escalar": "escalar o ticket",
    "desescalar": "desescalar o ticket",
    "reatribuir": "reatribuir o ticket",
    "prioridade": "mudar a prioridade",
    "aguardar": "aguardar o cliente",
    "retomar": "retomar o atendimento",
    "resolver": "resolver o ticket",
    "reabrir": "reabrir o ticket",
    "nota": "adicionar a nota",
}
"""Each command's slug in the address, and the verb its messages use."""

_REASON_NEEDED = "Informe o motivo."
_FIELD_NAMES = {"reason": "motivo", "text": "texto", "department": "departamento"}
_STATUS_WORDS = {
    "open": "aberto",
    "waiting_customer": "aguardando o cliente",
    "resolved": "resolvido",
    "closed": "fechado",
}


E = TypeVar("E", Priority, Severity, SupportLevel, TicketStatus, SlaState)


def _choice(raw: str, kind: type[E], name: str, errors: dict[str, str]) -> E | None:
    text = raw.strip()
    if not text:
        return None
    for member in kind:
        if member.value.lower() == text.lower():
            return member
    errors[name] = "Escolha uma das opções da lista."
    return None


@dataclass
class TicketFilterForm:
    """The list's filters, as typed in the address (every one optional)."""

    status: str = ""
    nivel: str = ""
    prioridade: str = ""
    departamento: str = ""
    responsavel: str = ""
    sla: str = ""
    falha: str = ""

    def read(self) -> tuple[TicketFilter, dict[str, str]]:
        """The desk's filter, and the message beside each field that could not be read."""
        errors: dict[str, str] = {}
        where = TicketFilter(
            status=_choice(self.status, TicketStatus, "status", errors),
            level=_choice(self.nivel, SupportLevel, "nivel", errors),
            priority=_choice(self.prioridade, Priority, "prioridade", errors),
            department=self.departamento.strip() or None,
            assignee=self.responsavel.strip() or None,
            sla=_choice(self.sla, SlaState, "sla", errors),
            failure_id=self.falha.strip() or None,
        )
        return where, errors

    def query_string(self) -> str:
        """The filters given, as an address query (empty ones left out)."""
        given = {k: v.strip() for k, v in vars(self).items() if v.strip()}
        return urlencode(given)


@dataclass
class CommandForm:
    """Any command of a ticket's page: each uses only its own fields."""

    motivo: str = ""
    nivel: str = ""
    departamento: str = ""
    responsavel: str = ""
    sem_responsavel: str = ""
    severidade: str = ""
    prioridade: str = ""
    texto: str = ""
    versao: str = ""
    """The version the page showed: acting on a ticket someone changed since is refused."""

    def expected_version(self) -> int | None:
        """The version to insist on, or None when the form carried none."""
        text = self.versao.strip()
        return int(text) if text.isdecimal() and len(text) <= 9 else None

    def command(self, action: str) -> tuple[TicketCommand | None, dict[str, str]]:
        """The desk command for *action*, or None and the message beside each bad field."""
        errors: dict[str, str] = {}
        reason = self.motivo.strip() or None
        command: TicketCommand | None = None
        if (
            action in {"escalar", "desescalar", "reatribuir", "prioridade", "reabrir"}
            and not reason
        ):
            errors["motivo"] = _REASON_NEEDED
        level = _choice(self.nivel, SupportLevel, "nivel", errors)
        if action == "escalar":
            command = Escalate(to=level, reason=reason or "")
        elif action == "desescalar":
            command = Deescalate(to=level, reason=reason or "")
        elif action == "reatribuir":
            command = Reassign(
                department=self.departamento.strip() or None,
                assignee=None if self.sem_responsavel else (self.responsavel.strip() or KEEP),
                level=level,
                severity=_choice(self.severidade, Severity, "severidade", errors),
                reason=reason or "",
            )
        elif action == "prioridade":
            chosen = _choice(self.prioridade, Priority, "prioridade", errors)
            if chosen is None and "prioridade" not in errors:
                errors["prioridade"] = "Escolha a prioridade."
            command = SetPriority(priority=chosen or Priority.MEDIUM, reason=reason or "")
        elif action == "aguardar":
            command = Wait(reason=reason)
        elif action == "retomar":
            command = Unwait(reason=reason)
        elif action == "resolver":
            command = Resolve(reason=reason)
        elif action == "reabrir":
            command = Reopen(reason=reason or "")
        elif action == "nota":
            if not self.texto.strip():
                errors["texto"] = "Escreva a nota."
            command = Note(text=self.texto)
        return (None, errors) if errors else (command, errors)


def field_of(error: ValidationError) -> str:
    """The form field a core `ValidationError` is about (the reason → motivo, …)."""
    return _FIELD_NAMES.get(error.field or "", "motivo")


def refusal(action: str, error: InvalidTransition) -> str:
    """The core's refusal in pt-BR: "Não foi possível escalar o ticket: ele já está em N3."."""
    verb = ACTIONS.get(action, action)
    status = error.status
    if status.startswith("already at "):
        why = f"ele já está em {status.removeprefix('already at ')}"
    elif status.startswith("at "):  # "at N2, not below N2": the chosen level is not that way
        why = f"ele está em {status.removeprefix('at ').split(',')[0]}"
    else:
        why = f"ele está {_STATUS_WORDS.get(status, status)}"
    return f"Não foi possível {verb}: {why}."
