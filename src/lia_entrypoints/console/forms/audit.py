"""Auditoria's filters: text as typed (or found in the address), read by the core's query.

The console only turns the limit into a number; entity, user and since go to `ListActivity`
as they are, so the console refuses exactly what `lia audit list` and the API refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from lia_core.errors import ValidationError
from lia_core.services import ListActivity
from lia_core.services.activity import MAX_ACTIVITY_LIMIT

__all__ = ["AUDIT_PAGE", "ENTITY_LABELS", "SINCE_CHOICES", "AuditFilterForm", "message_for"]

AUDIT_PAGE = 100
"""Entries shown when the address names no limit ("Mostrar mais" doubles it)."""

ENTITY_LABELS = {
    "failure": "Falhas",
    "region": "Regiões",
    "dead_letter": "Mensagens com falha",
    "job": "Fila de envio",
    "user": "Usuários",
    "ticket": "Tickets",
    "rules": "Política de atendimento",
    "conversation": "Conversas",
    "template": "Respostas prontas",
}
"""The kinds of entity offered in the filter, in pt-BR (any other kind still filters)."""

SINCE_CHOICES = (
    ("", "Todo o período"),
    ("1h", "Última hora"),
    ("24h", "Últimas 24 horas"),
    ("7d", "Últimos 7 dias"),
    ("30d", "Últimos 30 dias"),
)
"""The periods offered; `since` in the address may also be any value `lia audit list` takes."""

_MESSAGES = {
    "limit": f"Informe um número inteiro entre 1 e {MAX_ACTIVITY_LIMIT}.",
    "since": "Período inválido: use 30m, 2h, 7d ou uma data (2026-05-20).",
    "user": "O usuário não pode ter caracteres de controle.",
    "entity": "O tipo não pode ter caracteres de controle.",
}


def message_for(error: ValidationError) -> str:
    """The pt-BR text shown beside the field a core `ValidationError` names."""
    return _MESSAGES.get(error.field or "", str(error))


@dataclass(frozen=True)
class AuditFilterForm:
    """Auditoria's filters: the same as `lia audit list` (entity, user, since, limit)."""

    entity: str = ""
    user: str = ""
    since: str = ""
    limit: str = ""

    def read(self) -> tuple[ListActivity | None, dict[str, str]]:
        """The use case's query, or None and the message for a limit that is no number."""
        text = self.limit.strip()
        if not text:
            limit = AUDIT_PAGE
        elif text.isascii() and text.isdigit():
            limit = int(text)
        else:
            return None, {"limit": _MESSAGES["limit"]}
        query = ListActivity(entity=self.entity, user=self.user, since=self.since, limit=limit)
        return query, {}

    @property
    def filtered(self) -> bool:
        """True when any filter (not only the limit) is set."""
        return any(v.strip() for v in (self.entity, self.user, self.since))

    def query_string(self, **changes: str) -> str:
        """This filter as an address query (blank fields left out), with *changes* applied."""
        values = {
            "entity": self.entity,
            "user": self.user,
            "since": self.since,
            "limit": self.limit,
            **changes,
        }
        return urlencode({k: v.strip() for k, v in values.items() if v.strip()})
