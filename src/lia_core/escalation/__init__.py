"""Escalation of tickets: N1/N2/N3 commands with events, and a declarative rules engine (pure).

The ticket is the one aggregate of `lia_core.domain.tickets` (re-exported here). Change it
with `escalate`, `deescalate`, `reassign`, `set_priority` (each returns a `Change`); load
rules with `RuleBook.from_toml` and run them with `evaluate`. See docs/escalation.md.
"""

from __future__ import annotations

from lia_core.domain.tickets import Priority, Severity, SupportLevel, Ticket, TicketStatus
from lia_core.escalation.book import RuleBook
from lia_core.escalation.commands import KEEP, Keep, deescalate, escalate, reassign, set_priority
from lia_core.escalation.engine import (
    Action,
    Applied,
    EscalateTo,
    Evaluation,
    Notify,
    RaisePriority,
    apply_evaluation,
    evaluate,
)
from lia_core.escalation.errors import NothingToChange, RuleFileError
from lia_core.escalation.events import (
    Change,
    PriorityChanged,
    TicketDeescalated,
    TicketEscalated,
    TicketEvent,
    TicketReassigned,
)
from lia_core.escalation.facts import EscalationFacts, NotificationKey
from lia_core.escalation.rules import (
    DEFAULT_WINDOW_DAYS,
    KNOWN_POLICIES,
    MAX_WINDOW_DAYS,
    Actions,
    Conditions,
    Rule,
)
from lia_core.sla.readings import SlaState

__all__ = [
    "DEFAULT_WINDOW_DAYS",
    "KEEP",
    "KNOWN_POLICIES",
    "MAX_WINDOW_DAYS",
    "Action",
    "Actions",
    "Applied",
    "Change",
    "Conditions",
    "EscalateTo",
    "EscalationFacts",
    "Evaluation",
    "Keep",
    "NothingToChange",
    "NotificationKey",
    "Notify",
    "Priority",
    "PriorityChanged",
    "RaisePriority",
    "Rule",
    "RuleBook",
    "RuleFileError",
    "Severity",
    "SlaState",
    "SupportLevel",
    "Ticket",
    "TicketDeescalated",
    "TicketEscalated",
    "TicketEvent",
    "TicketReassigned",
    "TicketStatus",
    "apply_evaluation",
    "deescalate",
    "escalate",
    "evaluate",
    "reassign",
    "set_priority",
]
