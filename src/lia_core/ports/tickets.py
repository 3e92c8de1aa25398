"""The ticket store: tickets with their append-only timelines and their SLA index."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

import attrs

from lia_core.desk.index import TicketIndex
from lia_core.desk.plan import DueVisits, VisitPlan
from lia_core.domain.recipients import ContactKey
from lia_core.domain.tickets import (
    Priority,
    Severity,
    SupportLevel,
    Ticket,
    TicketStatus,
)
from lia_core.sla.readings import SlaState

__all__ = ["TicketFilter", "TicketRepository", "TicketSummary"]


@attrs.frozen(kw_only=True)
class TicketFilter:
    """Which tickets to list: every given condition holds (None: not checked)."""

    status: TicketStatus | None = None
    level: SupportLevel | None = None
    priority: Priority | None = None
    department: str | None = None
    assignee: str | None = None
    sla: SlaState | None = None
    failure_id: str | None = None
    departments: frozenset[str] | None = None
    """Only these departments (an agent sees the tickets of their departments)."""


@attrs.frozen(kw_only=True)
class TicketSummary:
    """A ticket as a list shows it: its state and stored index, without the timeline."""

    id: str
    subject: str
    department: str
    assignee: str | None
    level: SupportLevel
    priority: Priority
    severity: Severity
    status: TicketStatus
    vip: bool
    contact: ContactKey | None
    conversation_id: str | None
    failure_id: str | None
    opened_at: datetime
    updated_at: datetime
    index: TicketIndex
    version: int


class TicketRepository(Protocol):
    """Stored tickets; each save appends the new timeline events and rewrites the index."""

    async def add(self, ticket: Ticket, index: TicketIndex, *, at: datetime) -> Ticket:
        """Store a new ticket (version 1, returned).

        Raises AlreadyExists if the id is taken, or if its conversation already has a live
        (open or waiting) ticket.
        """
        ...

    async def add_many(
        self, items: Sequence[tuple[Ticket, TicketIndex]], *, at: datetime
    ) -> Sequence[Ticket]:
        """Store new tickets at once (the gate's batch); AlreadyExists as `add`, for any."""
        ...

    async def get(self, ticket_id: str, *, for_update: bool = False) -> Ticket:
        """Load a ticket with its whole timeline (locking its row when *for_update*). NotFound."""
        ...

    async def live_for_conversations(
        self, conversation_ids: Collection[str]
    ) -> Mapping[str, Ticket]:
        """The live (open or waiting) ticket of each conversation that has one, by conversation."""
        ...

    async def save(self, ticket: Ticket, index: TicketIndex, *, at: datetime) -> Ticket:
        """Save a ticket read in this unit of work: state, index, and the events appended since.

        Returns the ticket with its version bumped. Raises ConcurrencyConflict if it changed
        since it was read (its version moved), NotFound if it does not exist.
        """
        ...

    async def save_many(
        self, items: Sequence[tuple[Ticket, TicketIndex]], *, at: datetime
    ) -> Sequence[Ticket]:
        """Save tickets read in this unit of work at once; ConcurrencyConflict as `save`, for any."""
        ...

    async def list(self, filter: TicketFilter, *, limit: int) -> Sequence[TicketSummary]:
        """Tickets matching *filter*, newest opened first, at most *limit*."""
        ...

    async def count_due(self, now: datetime, *, limit: int) -> int:
        """How many tickets have a ``next_check_at`` at or before *now*, counted up to *limit*.

        An estimate that locks nothing and may count a few rows `due` will not take (held by
        another monitor, or a final ticket left with a next check): the monitor sizes its
        batches by it and lets the takes decide.
        """
        ...

    async def due(self, now: datetime, *, limit: int) -> Sequence[Ticket]:
        """Live tickets whose ``next_check_at`` is at or before *now*, earliest first.

        On PostgreSQL their rows are locked ``FOR UPDATE SKIP LOCKED`` until the unit of work
        ends, so two monitors never take the same ticket.
        """
        ...

    async def visit_due(self, now: datetime, *, limit: int, revision: int | None) -> DueVisits:
        """Take up to *limit* live tickets whose ``next_check_at`` has come (earliest first,
        locked as in `due`) and apply, for each whose visit plan holds under *revision*, the
        planned visits due at *now* (`lia_core.desk.plan.apply_due`: events, rule fields,
        index, version + 1). The others are returned by id, still locked, for the pipeline.
        """
        ...

    async def unplanned(self, *, before: datetime, limit: int) -> Sequence[Ticket]:
        """Live tickets with no visit plan whose next check comes before *before*, soonest
        first, with their timelines; rows locked ``FOR UPDATE SKIP LOCKED`` on PostgreSQL."""
        ...

    async def set_plans(self, plans: Sequence[tuple[Ticket, VisitPlan]]) -> int:
        """Store each ticket's visit plan (the ticket as `unplanned` returned it); how many.

        A plan made for another timeline than the one stored is not kept.
        """
        ...

    async def get_many(self, ticket_ids: Sequence[str]) -> Sequence[Ticket]:
        """Load these tickets with their timelines, in the order given (missing ones skipped)."""
        ...

    async def opened_for_contact(
        self, contact: ContactKey, *, since: datetime
    ) -> Sequence[datetime]:
        """When the tickets of *contact* opened at or after *since* (repeat-contact rules)."""
        ...

    async def reschedule_live(self, at: datetime) -> int:
        """Set ``next_check_at`` of every live ticket to *at* (a new desk policy); how many."""
        ...
