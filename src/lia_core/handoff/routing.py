"""Where a conversation goes when the bot lets go of it, and why: destinations, reasons, records."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

import attrs

from lia_core.domain.tickets import Priority, SupportLevel
from lia_core.errors import ValidationError
from lia_core.handoff.intents import Intent

__all__ = ["DEFAULT_DESTINATIONS", "GENERAL_QUEUE", "Destination", "Handoff", "HandoffReason"]


def _named(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        raise ValidationError(f"a destination needs a {attribute.name}", field=attribute.name)


@attrs.frozen(kw_only=True)
class Destination:
    """A human queue: its support level, the department (as shown to customers) and queue id."""

    level: SupportLevel
    department: str = attrs.field(validator=_named)
    queue: str = attrs.field(validator=_named)


GENERAL_QUEUE = Destination(level=SupportLevel.N1, department="Atendimento", queue="geral")
"""Where a conversation without a known intent goes (low confidence, language, …)."""

DEFAULT_DESTINATIONS: Mapping[Intent, Destination] = {
    Intent.SUPPORT: Destination(level=SupportLevel.N1, department="Suporte técnico", queue="suporte"),
    Intent.FINANCIAL: Destination(level=SupportLevel.N1, department="Financeiro", queue="financeiro"),
    Intent.COMMERCIAL: Destination(level=SupportLevel.N1, department="Comercial", queue="comercial"),
    Intent.CANCELLATION: Destination(level=SupportLevel.N2, department="Retenção", queue="retencao"),
    Intent.OMBUDSMAN: Destination(level=SupportLevel.N2, department="Ouvidoria", queue="ouvidoria"),
}  # fmt: skip
"""One queue per intent; cancellations and the ombudsman start at N2."""


class HandoffReason(enum.StrEnum):
    """Why the bot handed a conversation to a human (one per handoff, for KPIs per reason)."""

    LOW_CONFIDENCE = "low_confidence"
    """Still no clear intent after the clarifying question(s)."""
    AMBIGUOUS = "ambiguous"
    """Two intents stayed too close to call after the clarifying question(s)."""
    CUSTOMER_ASKED = "customer_asked"
    """An explicit request for a person ("atendente", option 0) or the help / "não entendi" option."""
    CRITICAL_INTENT = "critical_intent"
    """Cancellation, Procon, Anatel, a lawyer or a lawsuit: never left to the bot."""
    OUT_OF_HOURS = "out_of_hours"
    """A human was needed while the business calendar was closed: the ticket is queued."""
    LANGUAGE = "language"
    """The customer wrote in another language."""
    TIMEOUT_CHOICE = "timeout_choice"
    """The customer answered the inactivity menu with "2" (talk to an agent)."""
    CLEAR_INTENT = "clear_intent"
    """The bot understood the message (the shortcut) and routed it to its department.

    Only the ledger writes it: `decide_handoff` answers `RouteToDepartment` for this case."""


@attrs.frozen(kw_only=True)
class Handoff:
    """The record to store on the ticket: why, where, how urgent, which intent, when."""

    reason: HandoffReason
    destination: Destination
    priority: Priority
    intent: Intent | None = None
    """The intent that chose the destination (None: the general queue)."""
    at: datetime
