"""A conversation as the handoff policy sees it: its phase and clocks, and the events it receives."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from lia_core.errors import ValidationError
from lia_core.handoff.intents import Intent
from lia_core.handoff.routing import Destination, HandoffReason
from lia_core.validation import aware, aware_or_none

__all__ = ["ConversationState", "CustomerMessage", "Event", "InactivityTick", "MenuChoice", "Phase"]


class Phase(enum.StrEnum):
    """Where the conversation is; WITH_HUMAN and CLOSED are absorbing (the bot never comes back)."""

    BOT = "bot"
    """The bot waits for the customer to say what they need."""
    CLARIFYING = "clarifying"
    """The bot asked a clarifying question and waits for the answer."""
    TIMEOUT_OFFERED = "timeout_offered"
    """The customer went quiet; the 1 continue / 2 agent / 3 cancel menu was sent."""
    WITH_HUMAN = "with_human"
    """Handed to a department or a human queue (perhaps queued until opening time)."""
    CLOSED = "closed"
    """Ended by inactivity or by the customer."""

    @property
    def is_final(self) -> bool:
        """True for the absorbing phases, where the policy has nothing left to do."""
        return self in (Phase.WITH_HUMAN, Phase.CLOSED)


@attrs.frozen(kw_only=True)
class ConversationState:
    """The value to keep between messages; `decide_handoff` returns the next one in every decision."""

    phase: Phase = Phase.BOT
    last_activity: datetime = attrs.field(validator=aware)
    """The customer's last message (or the start): inactivity is measured from here."""
    clarifications: int = 0
    """Clarifying questions asked so far."""
    offered_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    """When the timeout menu was sent (TIMEOUT_OFFERED only)."""
    resume_phase: Phase | None = None
    """The phase "1 - continuar" returns to (TIMEOUT_OFFERED only)."""
    destination: Destination | None = None
    """Where the conversation went (WITH_HUMAN only)."""
    reason: HandoffReason | None = None
    """Why, for a handoff; None when the bot routed a clear intent (WITH_HUMAN only)."""
    intent: Intent | None = None
    """The intent behind the destination, if any (WITH_HUMAN only)."""

    def __attrs_post_init__(self) -> None:
        offered = self.phase is Phase.TIMEOUT_OFFERED
        if offered != (self.offered_at is not None) or offered != (self.resume_phase is not None):
            raise ValidationError(
                "offered_at and resume_phase are set exactly in TIMEOUT_OFFERED", field="phase"
            )
        if self.resume_phase not in (None, Phase.BOT, Phase.CLARIFYING):
            raise ValidationError("the menu resumes BOT or CLARIFYING", field="resume_phase")
        if (self.phase is Phase.WITH_HUMAN) != (self.destination is not None):
            raise ValidationError("a destination is set exactly in WITH_HUMAN", field="destination")
        if self.phase is not Phase.WITH_HUMAN and (self.reason or self.intent) is not None:
            raise ValidationError("reason and intent belong to WITH_HUMAN", field="reason")
        if self.clarifications < 0:
            raise ValidationError("clarifications cannot be negative", field="clarifications")

    @classmethod
    def start(cls, at: datetime) -> ConversationState:
        """A new conversation whose first customer message arrived (or is expected) at *at*."""
        return cls(phase=Phase.BOT, last_activity=at)


@attrs.frozen(kw_only=True)
class CustomerMessage:
    """The customer wrote *text* (free text, or the label of a button)."""

    text: str


@attrs.frozen(kw_only=True)
class MenuChoice:
    """The customer tapped a menu button whose id is *option* (e.g. "2" or "nao_entendi")."""

    option: str


@attrs.frozen(kw_only=True)
class InactivityTick:
    """The scheduler looked at the conversation (the time is `decide_handoff`'s ``now``)."""


Event = CustomerMessage | MenuChoice | InactivityTick
"""What can happen to a conversation."""
