"""The Atendimento (inbox) page's filters, as typed in the address, read into the desk's
inbox query; what cannot be read becomes a pt-BR message beside its field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from lia_core.assignment import MAX_SEARCH_CHARS
from lia_core.domain.tickets import Priority, TicketStatus
from lia_core.domain.users import MAX_DEPARTMENT_CHARS
from lia_core.ports import InboxQuery, InboxSort, InboxTab
from lia_core.sla.readings import SlaState

__all__ = ["INBOX_LIMIT", "SORTS", "STATUSES", "TABS", "InboxForm"]

INBOX_LIMIT = 100
"""Conversations one page of the inbox shows."""

TABS: Mapping[str, tuple[InboxTab, str]] = {
    "minhas": (InboxTab.MINE, "Minhas"),
    "sem-responsavel": (InboxTab.UNASSIGNED, "Sem responsável"),
    "todas": (InboxTab.ALL, "Todas"),
}
"""Each tab's slug in the address, what it lists, and its label."""
SORTS: Mapping[str, tuple[InboxSort, str]] = {
    "prioridade": (InboxSort.PRIORITY, "Prioridade"),
    "espera": (InboxSort.WAITING, "Tempo de espera"),
    "ultima-mensagem": (InboxSort.LAST_MESSAGE, "Última mensagem"),
}
"""Each order's slug and label."""
STATUSES: Mapping[str, tuple[TicketStatus, str]] = {
    TicketStatus.OPEN.value: (TicketStatus.OPEN, "Aberto"),
    TicketStatus.WAITING_CUSTOMER.value: (TicketStatus.WAITING_CUSTOMER, "Aguardando cliente"),
}
"""The live ticket statuses a conversation at the desk can have."""

_PICK = "Escolha uma das opções da lista."
_DEPARTMENT = re.compile(r"^[^\s,][^,]*$")
E = TypeVar("E", Priority, SlaState)


def _enum(raw: str, kind: type[E], name: str, errors: dict[str, str]) -> E | None:
    text = raw.strip().lower()
    if not text:
        return None
    for member in kind:
        if member.value == text:
            return member
    errors[name] = _PICK
    return None


def _slug(
    raw: str, choices: Mapping[str, tuple[object, str]], name: str, errors: dict[str, str]
) -> str | None:
    text = raw.strip().lower()
    if not text:
        return None
    if text not in choices:
        errors[name] = _PICK
        return None
    return text


@dataclass
class InboxForm:
    """The inbox's tab, filters and order (every one optional)."""

    aba: str = ""
    departamento: str = ""
    situacao: str = ""
    prioridade: str = ""
    sla: str = ""
    busca: str = ""
    ordem: str = ""

    def read(self, *, default_tab: str) -> tuple[InboxQuery, str, dict[str, str]]:
        """The inbox query, the tab's slug, and the message beside each field not read."""
        errors: dict[str, str] = {}
        tab = _slug(self.aba, TABS, "aba", errors) or default_tab
        if "aba" in errors:
            errors["aba"] = "Esta aba não existe: escolha Minhas, Sem responsável ou Todas."
        sort = _slug(self.ordem, SORTS, "ordem", errors) or "prioridade"
        status = _slug(self.situacao, STATUSES, "situacao", errors)
        department = self.departamento.strip() or None
        if department is not None and (
            len(department) > MAX_DEPARTMENT_CHARS or not _DEPARTMENT.match(department)
        ):
            errors["departamento"] = (
                f"Um departamento tem até {MAX_DEPARTMENT_CHARS} caracteres, sem vírgula."
            )
            department = None
        search = self.busca.strip() or None
        if search is not None and len(search) > MAX_SEARCH_CHARS:
            errors["busca"] = f"Busque com até {MAX_SEARCH_CHARS} caracteres."
            search = None
        query = InboxQuery(
            tab=TABS[tab][0],
            department=department,
            ticket_status=STATUSES[status][0] if status else None,
            priority=_enum(self.prioridade, Priority, "prioridade", errors),
            sla=_enum(self.sla, SlaState, "sla", errors),
            search=search,
            sort=SORTS[sort][0],
            limit=INBOX_LIMIT,
        )
        return query, tab, errors

    def query_string(self, **override: str) -> str:
        """The fields given (with *override*), as an address query; empty ones left out."""
        given = {k: v.strip() for k, v in {**vars(self), **override}.items() if v.strip()}
        return urlencode(given)

    def filtered(self) -> bool:
        """Whether any filter narrows the list (the tab and the order do not)."""
        return any(v.strip() for k, v in vars(self).items() if k not in ("aba", "ordem"))
