"""Storage ports of the people in the loop: agent profiles, assignments (the queues) and offers."""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

import attrs

from lia_core.domain.agents import AgentProfile
from lia_core.domain.assignments import Assignment, Offer
from lia_core.domain.delivery import Channel
from lia_core.domain.tickets import Priority, TicketStatus
from lia_core.sla.readings import SlaState

__all__ = [
    "AgentRepository",
    "AssignmentRepository",
    "InboxItem",
    "InboxQuery",
    "InboxSort",
    "InboxTab",
    "OfferRepository",
    "QueueCounts",
]


@attrs.frozen(kw_only=True)
class QueueCounts:
    """One department's queue as the desk counts it for one person."""

    department: str
    mine: int
    """Open conversations of the department held by that person."""
    unassigned: int
    """Open conversations waiting in the queue (offered ones included)."""
    all: int
    """Every open conversation of the department."""


class InboxTab(enum.StrEnum):
    """Which open conversations an inbox lists: Minhas, Sem responsável, Todas."""

    MINE = "mine"
    """Held by the viewer (in any department)."""
    UNASSIGNED = "unassigned"
    """Waiting in a queue, offered ones included."""
    ALL = "all"


class InboxSort(enum.StrEnum):
    """An inbox's order."""

    PRIORITY = "priority"
    """Urgency (priority, then VIP), then the longest waiting."""
    WAITING = "waiting"
    """The longest where it is first: in its queue since queued, with its agent since assigned."""
    LAST_MESSAGE = "last_message"
    """The conversation with the most recent message first."""


@attrs.frozen(kw_only=True)
class InboxQuery:
    """Which open conversations at the desk to list, and how; every given condition holds."""

    viewer: str = ""
    """Whose "mine" (set by the use case from the signed-in person)."""
    tab: InboxTab = InboxTab.ALL
    departments: frozenset[str] | None = None
    """Only these departments in the Unassigned and All tabs (an agent's); None: every one."""
    department: str | None = None
    ticket_status: TicketStatus | None = None
    """The status of the conversation's live ticket."""
    priority: Priority | None = None
    sla: SlaState | None = None
    """The SLA state of the conversation's live ticket."""
    search: str | None = None
    """Part of the contact's name (any case), or the start of the conversation's or the live
    ticket's id."""
    conversation_ids: frozenset[str] | None = None
    """Only these conversations (the conversations of the viewer's offers)."""
    sort: InboxSort = InboxSort.PRIORITY
    limit: int = 100


@attrs.frozen(kw_only=True)
class InboxItem:
    """One open conversation at the desk as an inbox shows it: its place, its contact, its
    live ticket and that ticket's SLA (read from the stored index)."""

    assignment: Assignment
    channel: Channel | None
    client_name: str
    contact_phone: str | None
    last_message_at: datetime | None
    ticket_id: str | None
    ticket_status: TicketStatus | None
    sla_state: SlaState | None
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None

    @property
    def due_at(self) -> datetime | None:
        """The nearest SLA due time of the live ticket (None when no clock runs)."""
        dues = [d for d in (self.first_response_due_at, self.resolution_due_at) if d is not None]
        return min(dues, default=None)

    @property
    def since(self) -> datetime | None:
        """Since when it is where it is: queued since, or assigned since."""
        return self.assignment.waiting_since or self.assignment.assigned_at


class AgentRepository(Protocol):
    """Agent profiles, one per username (a missing one means the defaults)."""

    async def get(self, username: str) -> AgentProfile:
        """One profile. Raises NotFound."""
        ...

    async def list(self) -> Sequence[AgentProfile]:
        """Every profile, by username."""
        ...

    async def save(self, profile: AgentProfile) -> None:
        """Insert a new profile (version 0) or replace one still at its version; bump it.

        Raises:
            ConcurrencyConflict: saved by someone else since read (or a new one's name taken).
        """
        ...

    async def available(self, now: datetime, ttl: timedelta) -> Sequence[AgentProfile]:
        """Profiles whose presence counts as online at *now* (see `AgentProfile.presence_at`).

        On PostgreSQL their rows are locked ``FOR UPDATE SKIP LOCKED`` until the unit of work
        ends, so two workers offering at once never offer the same agent past capacity.
        """
        ...

    async def silent(self, now: datetime, ttl: timedelta, *, limit: int) -> Sequence[AgentProfile]:
        """Profiles not offline, with ``auto_offline`` on, last heard before ``now - ttl``
        (locked ``SKIP LOCKED`` on PostgreSQL): the heartbeat sweep's work."""
        ...

    async def tally(
        self,
        agent: str,
        *,
        offered: int = 0,
        accepted: int = 0,
        rejected: int = 0,
        timed_out: int = 0,
        offered_at: datetime | None = None,
    ) -> None:
        """Add to an agent's offer counters (and note when they were last offered), without
        touching the profile's version: counters never conflict with a heartbeat."""
        ...

    async def recount(self, usernames: Collection[str]) -> Mapping[str, int]:
        """Recount each agent's load from the truth (open assignments held plus pending
        offers), store it on their profile if they have one, and return it by username."""
        ...


class AssignmentRepository(Protocol):
    """Conversations handed to humans: who holds each, and each department's queue."""

    async def get(self, conversation_id: str) -> Assignment:
        """One assignment. Raises NotFound."""
        ...

    async def get_many(self, conversation_ids: Collection[str]) -> Mapping[str, Assignment]:
        """The known assignments among *conversation_ids*."""
        ...

    async def save_many(self, assignments: Sequence[Assignment]) -> None:
        """Insert new ones (version 0) and replace known ones still at their version, bumping
        every version (set on the objects).

        Raises:
            ConcurrencyConflict: one was changed by someone else since it was read, or a new
                one's conversation already has an assignment.
        """
        ...

    async def queue(
        self, department: str, *, limit: int, offerable: bool = False
    ) -> Sequence[Assignment]:
        """The department's open unassigned conversations in queue order: urgency (priority,
        then VIP), then waiting time, then id. With *offerable*, only those without a pending
        offer, locked ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (the offer tick's batch)."""
        ...

    async def held_by(self, agent: str) -> Sequence[Assignment]:
        """The open conversations *agent* holds, longest held first."""
        ...

    async def return_due(self, now: datetime, *, limit: int) -> Sequence[Assignment]:
        """Open assignments whose return timer is due at *now*, earliest first (locked
        ``SKIP LOCKED`` on PostgreSQL)."""
        ...

    async def counts(self, agent: str, *, department: str | None = None) -> Sequence[QueueCounts]:
        """Mine / unassigned / all per department with open conversations (or *department*
        only, even when empty), by department name."""
        ...

    async def inbox(self, query: InboxQuery) -> Sequence[InboxItem]:
        """Open conversations matching *query*, in its order, at most ``query.limit``: one
        statement over the open assignments, joined by key to the conversation, its live
        ticket and that ticket's clock row (no query per row)."""
        ...


class OfferRepository(Protocol):
    """Time-limited offers of conversations to agents."""

    async def add_many(self, offers: Sequence[Offer]) -> None:
        """Store new offers. Raises AlreadyExists if an id is taken."""
        ...

    async def get(self, offer_id: str) -> Offer:
        """One offer. Raises NotFound."""
        ...

    async def decide_many(self, offers: Sequence[Offer]) -> None:
        """Store the decision of offers read pending in this unit of work.

        Raises:
            ConcurrencyConflict: one was decided by someone else meanwhile.
        """
        ...

    async def due(self, now: datetime, *, limit: int) -> Sequence[Offer]:
        """Pending offers whose time is up at *now*, earliest first (locked ``SKIP LOCKED``
        on PostgreSQL)."""
        ...

    async def pending_for(self, agent: str) -> Sequence[Offer]:
        """The pending offers of *agent*, oldest first."""
        ...
