"""What `decide_handoff` answers: one of a few frozen decisions, each with the reply and the next state."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from lia_core.domain.tickets import Priority
from lia_core.handoff.conversation import ConversationState
from lia_core.handoff.intents import Intent, RankedIntents
from lia_core.handoff.routing import Destination, Handoff, HandoffReason

__all__ = [
    "AskClarifyingQuestion",
    "CloseConversation",
    "CloseReason",
    "Decision",
    "HandToHuman",
    "NoAction",
    "OfferTimeoutMenu",
    "OutOfHours",
    "ResumeBot",
    "RouteToDepartment",
]


@attrs.frozen(kw_only=True)
class NoAction:
    """Nothing to send or change (a timer that has not run out, or a final phase)."""

    state: ConversationState
    reply: None = None


@attrs.frozen(kw_only=True)
class RouteToDepartment:
    """A clear intent: confirm the shortcut to the customer and put the conversation in its queue."""

    state: ConversationState
    reply: str
    intent: Intent
    confidence: float
    destination: Destination
    priority: Priority


@attrs.frozen(kw_only=True)
class AskClarifyingQuestion:
    """The intent is unclear (*cause*): ask once more before calling a human."""

    state: ConversationState
    reply: str
    cause: HandoffReason
    """LOW_CONFIDENCE or AMBIGUOUS: the reason the handoff would have had."""
    ranking: RankedIntents


@attrs.frozen(kw_only=True)
class HandToHuman:
    """A human takes over now; store *handoff* on the ticket."""

    state: ConversationState
    reply: str
    handoff: Handoff


@attrs.frozen(kw_only=True)
class OutOfHours:
    """A human is needed but none works now: the ticket is queued for *opens_at*."""

    state: ConversationState
    reply: str
    handoff: Handoff
    """Reason OUT_OF_HOURS; destination, priority and intent as inside hours."""
    opens_at: datetime
    """When the business calendar opens next (UTC)."""
    queued: bool = True


@attrs.frozen(kw_only=True)
class OfferTimeoutMenu:
    """The customer went quiet: offer 1 continue / 2 agent / 3 cancel."""

    state: ConversationState
    reply: str


@attrs.frozen(kw_only=True)
class ResumeBot:
    """The customer chose to continue (or wrote again): the bot picks up where it was."""

    state: ConversationState
    reply: str


class CloseReason(enum.StrEnum):
    """Why a conversation closed."""

    INACTIVITY = "inactivity"
    CUSTOMER_CANCELLED = "customer_cancelled"


@attrs.frozen(kw_only=True)
class CloseConversation:
    """The conversation ends: say goodbye."""

    state: ConversationState
    reply: str
    reason: CloseReason


Decision = (
    NoAction
    | RouteToDepartment
    | AskClarifyingQuestion
    | HandToHuman
    | OutOfHours
    | OfferTimeoutMenu
    | ResumeBot
    | CloseConversation
)
"""Exactly one of these answers each (state, event) pair."""
