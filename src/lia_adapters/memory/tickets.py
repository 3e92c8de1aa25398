"""In-memory tickets with their timelines and SLA index."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

import attrs

from lia_adapters.memory._tables import Staging, StoredTicket
from lia_core.desk.index import TicketIndex
from lia_core.desk.plan import (
    AppliedVisit,
    DueTicket,
    DueVisits,
    VisitPlan,
    VisitsApplied,
    apply_due,
)
from lia_core.domain.failures import FailureStatus
from lia_core.domain.recipients import ContactKey
from lia_core.domain.tickets import Ticket, Timeline
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.ports.tickets import TicketFilter, TicketSummary

__all__ = ["InMemoryTicketRepository", "summarize"]


def summarize(row: StoredTicket) -> TicketSummary:
    """The list view of a stored ticket."""
    t = row.ticket
    return TicketSummary(
        id=t.id,
        subject=t.subject,
        department=t.department,
        assignee=t.assignee,
        level=t.level,
        priority=t.priority,
        severity=t.severity,
        status=t.status,
        vip=t.vip,
        contact=t.contact,
        conversation_id=t.conversation_id,
        failure_id=t.failure_id,
        opened_at=t.opened_at,
        updated_at=row.updated_at,
        index=row.index,
        version=t.version,
    )


def _matches(row: StoredTicket, f: TicketFilter) -> bool:
    t = row.ticket
    return (
        (f.status is None or t.status is f.status)
        and (f.level is None or t.level is f.level)
        and (f.priority is None or t.priority is f.priority)
        and (f.department is None or t.department == f.department)
        and (f.assignee is None or t.assignee == f.assignee)
        and (f.sla is None or row.index.sla_state is f.sla)
        and (f.failure_id is None or t.failure_id == f.failure_id)
        and (f.departments is None or t.department in f.departments)
    )


class InMemoryTicketRepository:
    """Tickets held in an `InMemoryStore`; saves are version-checked at commit."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, StoredTicket]:
        return {**self._uow.store.tickets, **self._uow.staged.tickets}

    async def add(self, ticket: Ticket, index: TicketIndex, *, at: datetime) -> Ticket:
        """Stage a new ticket at version 1."""
        view = self._view()
        if ticket.id in view:
            raise AlreadyExists(entity="ticket", entity_id=ticket.id)
        if ticket.conversation_id is not None and ticket.status.is_live:
            for row in view.values():
                live = row.ticket
                if live.conversation_id == ticket.conversation_id and live.status.is_live:
                    raise AlreadyExists(
                        entity="live ticket of conversation", entity_id=ticket.conversation_id
                    )
        stored = attrs.evolve(ticket, version=1, stored_events=len(ticket.timeline.events))
        self._uow.staged.tickets[ticket.id] = StoredTicket(
            ticket=stored, index=index, updated_at=at, read_version=0
        )
        return stored

    async def add_many(
        self, items: Sequence[tuple[Ticket, TicketIndex]], *, at: datetime
    ) -> Sequence[Ticket]:
        """Stage new tickets, each as `add`."""
        return [await self.add(ticket, index, at=at) for ticket, index in items]

    async def get(self, ticket_id: str, *, for_update: bool = False) -> Ticket:
        """The ticket as last saved (the fake has no row locks: commits are version-checked)."""
        try:
            return self._view()[ticket_id].ticket
        except KeyError:
            raise NotFound(entity="ticket", entity_id=ticket_id) from None

    async def live_for_conversations(
        self, conversation_ids: Collection[str]
    ) -> Mapping[str, Ticket]:
        """The live ticket of each given conversation that has one."""
        wanted = set(conversation_ids)
        return {
            row.ticket.conversation_id: row.ticket
            for row in self._view().values()
            if row.ticket.conversation_id in wanted and row.ticket.status.is_live
        }

    async def save(self, ticket: Ticket, index: TicketIndex, *, at: datetime) -> Ticket:
        """Stage the new state, checking the version read against the latest seen."""
        current = self._view().get(ticket.id)
        if current is None:
            raise NotFound(entity="ticket", entity_id=ticket.id)
        if current.ticket.version != ticket.version:
            raise ConcurrencyConflict(entity="ticket", entity_id=ticket.id)
        stored = attrs.evolve(
            ticket, version=ticket.version + 1, stored_events=len(ticket.timeline.events)
        )
        staged = self._uow.staged.tickets.get(ticket.id)
        read = staged.read_version if staged is not None else ticket.version
        self._uow.staged.tickets[ticket.id] = StoredTicket(
            ticket=stored, index=index, updated_at=at, read_version=read
        )
        return stored

    async def save_many(
        self, items: Sequence[tuple[Ticket, TicketIndex]], *, at: datetime
    ) -> Sequence[Ticket]:
        """Stage saves, each as `save`."""
        return [await self.save(ticket, index, at=at) for ticket, index in items]

    async def list(self, filter: TicketFilter, *, limit: int) -> Sequence[TicketSummary]:
        """Matching tickets, newest opened first."""
        rows = [row for row in self._view().values() if _matches(row, filter)]
        rows.sort(key=lambda row: (row.ticket.opened_at, row.ticket.id), reverse=True)
        return [summarize(row) for row in rows[:limit]]

    async def due(self, now: datetime, *, limit: int) -> Sequence[Ticket]:
        """Live tickets due for a look, earliest first."""
        rows = [
            row
            for row in self._view().values()
            if row.ticket.status.is_live
            and row.index.next_check_at is not None
            and row.index.next_check_at <= now
        ]
        rows.sort(key=lambda row: (row.index.next_check_at, row.ticket.id))
        return [row.ticket for row in rows[:limit]]

    async def count_due(self, now: datetime, *, limit: int) -> int:
        """Due rows counted up to *limit* (final tickets included, as the SQL index counts them)."""
        due = (
            row
            for row in self._view().values()
            if row.index.next_check_at is not None and row.index.next_check_at <= now
        )
        return sum(1 for _ in itertools.islice(due, limit))

    async def visit_due(self, now: datetime, *, limit: int, revision: int | None) -> DueVisits:
        """Apply the planned visits of the due tickets whose plans hold (`apply_due`)."""
        failures = {**self._uow.store.failures, **self._uow.staged.failures}
        view = self._view()
        applied: list[AppliedVisit] = []
        unplanned: list[str] = []
        for ticket in await self.due(now, limit=limit):
            plan = view[ticket.id].index.plan
            later = (
                plan is not None
                and ticket.contact is not None
                and any(
                    row.ticket.contact == ticket.contact and row.ticket.opened_at > plan.made_at
                    for row in view.values()
                )
            )
            failure = failures.get(ticket.failure_id) if ticket.failure_id else None
            due = DueTicket(
                id=ticket.id,
                version=ticket.version,
                plan=plan,
                contact_opened_after=later,
                outage_active=None if failure is None else failure.status is FailureStatus.ACTIVE,
            )
            visits = apply_due(due, revision=revision, now=now)
            if visits is None:
                unplanned.append(ticket.id)
                continue
            await self._apply(visits, at=now)
            applied.append(AppliedVisit.of(visits))
        return DueVisits(applied=tuple(applied), unplanned=tuple(unplanned))

    async def unplanned(self, *, before: datetime, limit: int) -> Sequence[Ticket]:
        """Live tickets with no plan and a next check before *before*, soonest first."""
        rows = [
            row
            for row in self._view().values()
            if row.ticket.status.is_live
            and row.index.next_check_at is not None
            and row.index.next_check_at < before
            and row.index.plan is None
        ]
        rows.sort(key=lambda row: (row.index.next_check_at, row.ticket.id))
        return [row.ticket for row in rows[:limit]]

    async def set_plans(self, plans: Sequence[tuple[Ticket, VisitPlan]]) -> int:
        """Stage each plan on its ticket's index (the version is left as it is)."""
        kept = 0
        for ticket, plan in plans:
            row = self._view().get(ticket.id)
            events = len(ticket.timeline.events)
            if row is None or len(row.ticket.timeline.events) != events or plan.seq != events:
                continue
            staged = self._uow.staged.tickets.get(ticket.id)
            read = staged.read_version if staged is not None else row.ticket.version
            index = attrs.evolve(row.index, plan=plan)
            self._uow.staged.tickets[ticket.id] = attrs.evolve(row, index=index, read_version=read)
            kept += 1
        return kept

    async def get_many(self, ticket_ids: Sequence[str]) -> Sequence[Ticket]:
        """The tickets as last saved, in the order given."""
        view = self._view()
        return [view[tid].ticket for tid in ticket_ids if tid in view]

    async def _apply(self, visits: VisitsApplied, *, at: datetime) -> None:
        """Stage the visits: events and index; the rule fields (version + 1) only if changed."""
        row = self._view()[visits.ticket_id]
        ticket = row.ticket
        if len(ticket.timeline.events) != visits.seq:
            raise ConcurrencyConflict(entity="ticket", entity_id=visits.ticket_id)
        timeline = Timeline(ticket.timeline.events + visits.events)
        moved = attrs.evolve(
            visits.state.onto(ticket), timeline=timeline, stored_events=len(timeline.events)
        )
        if visits.changes_ticket:
            await self.save(moved, visits.index, at=at)
            return
        staged = self._uow.staged.tickets.get(ticket.id)
        read = staged.read_version if staged is not None else ticket.version
        self._uow.staged.tickets[ticket.id] = StoredTicket(
            ticket=moved, index=visits.index, updated_at=row.updated_at, read_version=read
        )

    async def opened_for_contact(
        self, contact: ContactKey, *, since: datetime
    ) -> Sequence[datetime]:
        """Opening instants of the contact's tickets since *since*, oldest first."""
        return sorted(
            row.ticket.opened_at
            for row in self._view().values()
            if row.ticket.contact == contact and row.ticket.opened_at >= since
        )

    async def reschedule_live(self, at: datetime) -> int:
        """Ask the monitor to look at every live ticket at *at*."""
        count = 0
        for tid, row in self._view().items():
            if row.ticket.status.is_live:
                staged = self._uow.staged.tickets.get(tid)
                read = staged.read_version if staged is not None else row.ticket.version
                index = attrs.evolve(row.index, next_check_at=at)
                self._uow.staged.tickets[tid] = attrs.evolve(row, index=index, read_version=read)
                count += 1
        return count
