"""A conversation's bot state as stored between messages, and the ledger of its handoffs.

`BotSession` is its own aggregate, keyed by conversation id and versioned like the
conversation (a save is conditional on the version read). `HandoffEntry` is one row of the
handoff ledger: why, where, how urgent, when, and who accepted it (filled by the claim).
"""

from __future__ import annotations

from datetime import date, datetime

import attrs

from lia_core.domain.delivery import Channel
from lia_core.domain.tickets import Priority, SupportLevel
from lia_core.handoff.conversation import ConversationState, Phase
from lia_core.handoff.intents import Intent
from lia_core.handoff.policy import HandoffPolicy
from lia_core.handoff.routing import HandoffReason
from lia_core.validation import aware, aware_or_none, require_text

__all__ = [
    "GENERAL_DEPARTMENT",
    "BotSession",
    "HandoffEntry",
    "HandoffFilter",
    "department_of",
    "next_check",
]

GENERAL_DEPARTMENT = "general"
"""The desk department of a handoff without an intent (a person asked, another language …)."""


def department_of(intent: Intent | None) -> str:
    """The desk department a handoff goes to: the intent's name, or *general* without one."""
    return intent.value if intent is not None else GENERAL_DEPARTMENT


def next_check(state: ConversationState, policy: HandoffPolicy) -> datetime | None:
    """When an inactivity tick can next change *state*: the menu, then the close; None when final."""
    if state.phase.is_final:
        return None
    if state.phase is Phase.TIMEOUT_OFFERED:
        return (state.offered_at or state.last_activity) + policy.menu_grace
    return state.last_activity + policy.offer_after


@attrs.frozen(kw_only=True)
class BotSession:
    """What the bot keeps of one conversation: the machine's state and when to look again."""

    conversation_id: str
    channel: Channel
    chat_id: str
    """Where replies go (the conversation's chat id)."""
    contact_phone: str
    state: ConversationState
    due_at: datetime | None = attrs.field(validator=aware_or_none)
    """When the worker's timer looks at it next (menu, close); None once final."""
    out_of_hours_on: date | None = None
    """The local day the out-of-hours reply was last sent (at most one a day)."""
    updated_at: datetime = attrs.field(validator=aware)
    version: int = 0
    """The version read (0: new); a save is conditional on it and bumps it."""


def _department(value: str) -> str:
    return require_text(value, "department")


@attrs.frozen(kw_only=True)
class HandoffEntry:
    """One handoff: the reason code, the destination department, and who accepted it when."""

    id: str
    conversation_id: str
    reason: HandoffReason
    department: str = attrs.field(converter=_department)
    level: SupportLevel
    priority: Priority
    intent: Intent | None = None
    at: datetime = attrs.field(validator=aware)
    accepted_by: str | None = None
    """The agent who took the conversation (None until someone does)."""
    accepted_at: datetime | None = attrs.field(default=None, validator=aware_or_none)


@attrs.frozen(kw_only=True)
class HandoffFilter:
    """Which ledger rows to list: a reason, handed at or after *since*; newest first."""

    reason: HandoffReason | None = None
    since: datetime | None = attrs.field(default=None, validator=aware_or_none)
    limit: int = 100
