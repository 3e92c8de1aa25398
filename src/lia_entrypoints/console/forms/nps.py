"""The NPS page's forms: the answers' filters (as `lia nps list`) and a follow-up's take and
resolve, read for the `Nps` use cases; a refusal becomes a pt-BR message beside its field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lia_core.domain.feedback import FollowUpStatus
from lia_core.errors import InvalidTransition, ValidationError
from lia_core.nps import NpsCategory
from lia_core.services import ListFeedback

__all__ = [
    "CATEGORY_LABELS",
    "FOLLOW_UP_LABELS",
    "FollowUpForm",
    "NpsFilterForm",
    "field_message",
    "refusal",
]

CATEGORY_LABELS: Mapping[NpsCategory, tuple[str, str]] = {
    NpsCategory.PROMOTER: ("Promotor", "ok"),
    NpsCategory.PASSIVE: ("Neutro", "info"),
    NpsCategory.DETRACTOR: ("Detrator", "bad"),
}
"""A category on screen: label and badge tone."""
FOLLOW_UP_LABELS: Mapping[FollowUpStatus, tuple[str, str]] = {
    FollowUpStatus.PENDING: ("Pendente", "warn"),
    FollowUpStatus.IN_PROGRESS: ("Em andamento", "info"),
    FollowUpStatus.RESOLVED: ("Resolvido", "ok"),
}
"""A follow-up's status on screen: label and badge tone."""

_FIELDS = {"category": "categoria", "agent": "agente", "since": "desde", "limit": "categoria"}
_MESSAGES = {
    "categoria": "Escolha uma das categorias da lista.",
    "agente": "Informe um usuário válido (letras, números, ponto, hífen).",
    "desde": "Use 7d, 24h, 2w ou uma data como 2026-11-01.",
    "notas": "Escreva o que foi feito (até 2.000 caracteres).",
    "nota": "Escolha uma nota de atendimento de 1 a 5.",
}
LIST_LIMIT = 100
"""Answers one page of the list shows."""


@dataclass
class NpsFilterForm:
    """The answers' filters, as typed in the address (every one optional)."""

    categoria: str = ""
    agente: str = ""
    desde: str = ""

    def query(self) -> ListFeedback:
        """The use case's query (the use case checks each field and names it)."""
        return ListFeedback(
            category=self.categoria.strip() or None,
            agent=self.agente.strip() or None,
            since=self.desde.strip() or None,
            limit=LIST_LIMIT,
        )

    def filtered(self) -> bool:
        """Whether any filter is given."""
        return any(v.strip() for v in (self.categoria, self.agente, self.desde))


@dataclass
class FollowUpForm:
    """Take (notes optional) or resolve (notes and a handling score 1-5) a follow-up."""

    notas: str = ""
    nota: str = ""
    versao: str = ""
    """The version the page showed: a follow-up someone moved since is refused."""

    def expected_version(self) -> int | None:
        """The version to insist on, or None when the form carried none."""
        text = self.versao.strip()
        return int(text) if text.isdecimal() and len(text) <= 9 else None

    def missing(self) -> dict[str, str]:
        """What resolving needs and the form lacks: the notes, a score 1-5 (each beside its field)."""
        errors = {}
        if not self.notas.strip():
            errors["notas"] = _MESSAGES["notas"]
        if self.score() is None:
            errors["nota"] = _MESSAGES["nota"]
        return errors

    def score(self) -> int | None:
        """The handling score typed, or None when it is not a whole number from 1 to 5."""
        text = self.nota.strip()
        return int(text) if text in {"1", "2", "3", "4", "5"} else None


def field_message(error: ValidationError) -> tuple[str, str]:
    """The form field a core `ValidationError` is about, and its pt-BR message."""
    name = {"notes": "notas", "score": "nota"}.get(error.field or "", "")
    name = name or _FIELDS.get(error.field or "", "notas")
    return name, _MESSAGES[name]


def refusal(verb: str, error: InvalidTransition) -> str:
    """The core's refusal in pt-BR: "Não foi possível assumir: já está em andamento (com bia)."."""
    status = error.status
    handler = ""
    if "(taken by " in status:
        status, _, rest = status.partition(" (taken by ")
        handler = f" (com {rest.rstrip(')')})"
    words = {"pending": "pendente", "in progress": "em andamento", "resolved": "resolvido"}
    return f"Não foi possível {verb}: o acompanhamento está {words.get(status, status)}{handler}."
