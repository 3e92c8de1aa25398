"""Who holds a conversation handed to humans, and the time-limited offers that find them one.

An `Assignment` is a conversation's place at the desk (one per conversation)::

    queued ──offer──▶ offered ──accept──▶ assigned ──release / return timer──▶ queued
      │  ◀──reject / timeout──┘              ▲
      └──────────────claim / assign──────────┘     (transfer: to an agent, or to a queue)

An `Offer` is TaskRouter's reservation: ``pending`` until the agent accepts or rejects it,
the worker times it out, or a claim cancels it. Both are versioned; every change is one
conditional write, so of two people changing one at once exactly one wins.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

import attrs

from lia_core.domain.tickets import Priority
from lia_core.errors import InvalidTransition
from lia_core.validation import aware, aware_or_none

__all__ = [
    "OFFER_TRANSITIONS",
    "Assignment",
    "AssignmentState",
    "Offer",
    "OfferStatus",
    "urgency",
]


def urgency(priority: Priority, vip: bool) -> int:
    """The queue's sort key: 0 for an urgent VIP … 7 for a low non-VIP (ascending = first)."""
    return 7 - (priority.rank * 2 + int(vip))


class AssignmentState(enum.StrEnum):
    """Where a conversation stands at the desk."""

    QUEUED = "queued"
    OFFERED = "offered"
    ASSIGNED = "assigned"
    CLOSED = "closed"


@attrs.define(kw_only=True)
class Assignment:
    """A conversation's place at the desk: its department's queue, an offer, or an agent."""

    conversation_id: str
    department: str
    priority: Priority = Priority.MEDIUM
    vip: bool = False
    waiting_since: datetime | None = attrs.field(default=None, validator=aware_or_none)
    """When it (last) entered its queue; None while an agent holds it."""
    assignee: str | None = None
    assigned_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    first_human_reply_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    """The first reply of the current assignee (set by `record_first_human_reply`)."""
    return_due_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    """When the return timer sends it back unanswered (None: no timer running)."""
    offer_id: str | None = None
    """The pending offer, if one is out."""
    passed_over: tuple[str, ...] = ()
    """Agents who rejected or let an offer of it time out since it was last queued."""
    previous_assignee: str | None = None
    """Who held it last (a reopened conversation goes back to them if they are online)."""
    reason: str = ""
    """Why it is where it is (the handoff, a transfer's reason, the return timer)."""
    closed_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    updated_at: datetime = attrs.field(validator=aware)
    version: int = 0
    """Optimistic-concurrency version: 0 until first saved, then bumped by every save."""

    @property
    def state(self) -> AssignmentState:
        """Queued, offered, assigned or closed."""
        if self.closed_at is not None:
            return AssignmentState.CLOSED
        if self.assignee is not None:
            return AssignmentState.ASSIGNED
        return AssignmentState.OFFERED if self.offer_id is not None else AssignmentState.QUEUED

    @property
    def urgency(self) -> int:
        """The queue's sort key (see `urgency`)."""
        return urgency(self.priority, self.vip)

    def assign(
        self, agent: str, *, at: datetime, reason: str, return_due_at: datetime | None
    ) -> None:
        """Give it to *agent* (a claim, an accepted offer, a supervisor, a transfer)."""
        if self.closed_at is not None:
            raise InvalidTransition(
                entity="conversation",
                entity_id=self.conversation_id,
                action="assign",
                status="closed",
            )
        if self.assignee != agent:
            self.previous_assignee = self.assignee or self.previous_assignee
            self.first_human_reply_at = None
            self.return_due_at = return_due_at
        self.assignee = agent
        self.assigned_at = at
        self.waiting_since = None
        self.offer_id = None
        self.passed_over = ()
        self.reason = reason
        self.updated_at = at

    def enqueue(self, *, at: datetime, reason: str, department: str | None = None) -> None:
        """Put it (back) in its department's queue, or *department*'s."""
        if self.assignee is not None:
            self.previous_assignee = self.assignee
        self.assignee = None
        self.assigned_at = None
        self.return_due_at = None
        self.first_human_reply_at = None
        self.offer_id = None
        self.closed_at = None
        self.waiting_since = at
        if department is not None and department != self.department:
            self.department = department
            self.passed_over = ()
        self.reason = reason
        self.updated_at = at


class OfferStatus(enum.StrEnum):
    """An offer's lifecycle (TaskRouter's reservation statuses that LIA uses)."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    TIMED_OUT = "timed_out"
    CANCELED = "canceled"


OFFER_TRANSITIONS: Mapping[OfferStatus, frozenset[OfferStatus]] = {
    OfferStatus.PENDING: frozenset(
        {OfferStatus.ACCEPTED, OfferStatus.REJECTED, OfferStatus.TIMED_OUT, OfferStatus.CANCELED}
    ),
    OfferStatus.ACCEPTED: frozenset(),
    OfferStatus.REJECTED: frozenset(),
    OfferStatus.TIMED_OUT: frozenset(),
    OfferStatus.CANCELED: frozenset(),
}
"""Only a pending offer moves, and only once."""


@attrs.define(kw_only=True)
class Offer:
    """A conversation offered to one agent until ``due_at``."""

    id: str
    conversation_id: str
    agent: str
    department: str
    offered_at: datetime = attrs.field(validator=aware)
    due_at: datetime = attrs.field(validator=aware)
    status: OfferStatus = OfferStatus.PENDING
    decided_at: datetime | None = attrs.field(default=None, validator=aware_or_none)

    def open_at(self, now: datetime) -> bool:
        """Whether it may still be accepted or rejected at *now* (pending, time not up)."""
        return self.status is OfferStatus.PENDING and now < self.due_at

    def decide(self, status: OfferStatus, *, at: datetime) -> None:
        """Move to *status*; InvalidTransition unless the table allows it."""
        if status not in OFFER_TRANSITIONS[self.status]:
            raise InvalidTransition(
                entity="offer", entity_id=self.id, action=str(status), status=self.status.value
            )
        self.status = status
        self.decided_at = at
